// Site-wide Firefox defaults for VISA desktops
pref("browser.startup.homepage", "about:blank");
pref("browser.shell.checkDefaultBrowser", false);
pref("datareporting.policy.dataSubmissionEnabled", false);
pref("toolkit.telemetry.enabled", false);
pref("app.update.enabled", false);
