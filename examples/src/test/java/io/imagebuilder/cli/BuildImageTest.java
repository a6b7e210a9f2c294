package io.imagebuilder.cli;

import io.imagebuilder.BuildPlan;
import io.imagebuilder.ImageBuilder;
import picocli.CommandLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's commands that start no VM: help, plan, validate, errors and exit codes, the owner script. */
class BuildImageTest {

    private static final Path TEMPLATES = Path.of("templates").toAbsolutePath();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private int run(String... args) {
        return BuildImage.run(args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpReadsLikeAManPageWithTheOriginalOptions() {
        assertEquals(0, run("--help"));
        String help = output();
        for (String option : new String[] {"-pp, --pam-public", "-rp, --root-password", "-hp, --http-proxy",
            "-np, --no-proxy", "-nh, --not-headless", "--templates", "--only", "--var", "--force", "--on-error",
            "--publish", "--no-publish", "--os-cloud", "Exit status:", "130", "plan", "validate", "publish",
            "owner-script", "VISA_PAM_PUBLIC_KEY", "--executor", "--log-level", "--events", "--start-libvirtd",
            "visa-ci: ci-base (Debian 12 made with debootstrap) -> visa-ci", "visible to every user",
            "generate-completion"}) {
            assertTrue(help.replaceAll("\\s+", " ").contains(option), option + " missing from:\n" + help);
        }
    }

    @Test
    void planOfTheBundledExampleShowsEveryStageAndMasksSecrets() {
        assertEquals(0, run("plan", "--templates", TEMPLATES.toString(), "--only", "visa-ci", "-o",
                dir.toString(), "-rp", "top-secret-pw"));
        String plan = output();
        assertTrue(plan.contains("image ci-base") && plan.contains("image visa-ci (extends ci-base)"), plan);
        assertTrue(plan.contains("bootstrap-disk") && plan.contains("provision guacd"), plan);
        assertTrue(plan.contains("  verify   remote desktop through guacd (bad tokens refused) as joebloggs,"
                + " 1280x800") && plan.contains("convert -> verify"), plan);
        assertFalse(plan.contains("top-secret-pw"), plan);
        assertEquals(0, run("plan", "--templates", TEMPLATES.toString(), "--only", "visa-ci", "--no-verify"));
        assertTrue(output().contains("as joebloggs, 1280x800 (within 20 min): skipped (--no-verify)"), output());
    }

    @Test
    void theFullVisaChainValidatesWithItsVariablesAndNotWithout() {
        assertEquals(2, run("validate", "--templates", TEMPLATES.toString(), "--only", "visa-apps"));
        assertTrue(output().contains("pam_public_key"), "names the missing variable: " + output());
        out.reset();
        err.reset();
        assertEquals(0, run("validate", "--templates", TEMPLATES.toString(), "--only", "visa-apps",
                "-pp", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
        assertTrue(output().contains("ok: 3 image(s): [system-base, visa-base, visa-apps]"), output());
    }

    @Test
    void aBrokenTemplateExitsWithTwoAndNamesFileAndLine() throws Exception {
        Path image = Files.createDirectories(dir.resolve("t/broken"));
        Files.writeString(image.resolve("image.yml"), "source:\n  disk: {image: missing.qcow2}\nmachine:\n"
                + "  memory: lots\n");
        assertEquals(2, run("validate", "--templates", dir.resolve("t").toString(), "--only", "broken"));
        assertTrue(output().contains("image.yml:4"), output());
    }

    private static final Path SITE = Path.of("src/test/resources/packme-site").toAbsolutePath();

    @Test
    void aSitesPackmeTreePlansUnchangedWithOptionsBeforeOrAfterTheSubcommand() {
        String[] options = {"-rp", "pw", "-hp", "http://proxy.site:3128", "--templates", SITE.toString(), "--only",
            "visa-apps", "-o", dir.toString()};
        String[] before = new String[options.length + 1];
        System.arraycopy(options, 0, before, 0, options.length);
        before[options.length] = "plan";
        assertEquals(0, run(before), output());
        String planned = output();
        assertTrue(planned.contains("image system-base\n") && planned.contains("image visa-apps (extends visa-base)"),
                planned);
        assertFalse(planned.contains("warning"), planned);
        out.reset();
        String[] after = new String[options.length + 1];
        after[0] = "plan";
        System.arraycopy(options, 0, after, 1, options.length);
        assertEquals(0, run(after));
        assertEquals(planned, output(), "the same plan, whichever side of plan the options are on");
    }

    @Test
    void aSitesTreeWithoutItsRootPasswordNamesItAndExitsTwo() {
        assertEquals(2, run("--templates", SITE.toString(), "--only", "visa-apps", "validate"));
        assertTrue(output().contains("variables to define: root_password"), output());
        assertFalse(output().contains("Exception"), output());
    }

    @Test
    void anOptionSettingAVariableNoTemplateUsesIsWarnedAbout() {
        assertEquals(0, run("plan", "--templates", SITE.toString(), "--only", "visa-apps", "-rp", "pw",
                "--var", "nobody=1", "-pp", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
        assertTrue(output().contains("warning: --var nobody sets nobody, which no template of visa-apps uses\n"),
                output());
        assertTrue(output().contains("warning: -pp sets pam_public_key, which no template of visa-apps uses\n"),
                output());
        assertFalse(output().contains("-rp sets"), "root_password is used: " + output());
    }

    @Test
    void aTemplateFileThatIsNotTextIsAUsageErrorNamingIt() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("bin/templates/only"));
        Files.writeString(dir.resolve("bin/config.yml"), "templates:\n  only: {}\n");
        Files.write(tree.resolve("manifest.yml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80});
        assertEquals(2, run("validate", "--templates", dir.resolve("bin").toString(), "--only", "only"));
        assertTrue(output().contains(tree.resolve("manifest.yml") + ": not UTF-8 text"), output());
        assertFalse(output().contains("\tat "), "no stack trace: " + output());
    }

    @Test
    void verifyRefusesAMissingImageAndABadOwnerBeforeAnyVmStarts() throws Exception {
        assertEquals(2, run("verify", dir.resolve("missing.qcow2").toString()));
        assertTrue(output().contains("missing.qcow2 does not exist"), output());
        Path image = Files.writeString(dir.resolve("img.qcow2"), "x");
        assertEquals(2, run("verify", image.toString(), "--owner", "Joe Bloggs"));
        assertTrue(output().contains("owner 'Joe Bloggs' is not a Linux login name"), output());
        assertEquals(2, run("verify", image.toString(), "--no-desktop"));
        assertTrue(output().contains("nothing to verify"), output());
    }

    @Test
    void unknownOptionsAreUsageErrors() {
        assertEquals(2, run("--no-such-option"));
        assertEquals(2, run("publish", dir.resolve("missing.qcow2").toString(), "--name", "x"));
    }

    @Test
    void publishTakesOurFormAndOpenstacksAndRefusesTwoVisibilities() throws Exception {
        Path file = Files.writeString(dir.resolve("img.raw"), "x");
        assertEquals(2, run("publish", file.toString()));
        assertTrue(output().contains("give the file and the image name once each"), output());
        assertEquals(2, run("publish", "--file", file.toString(), "name", "extra"));
        assertEquals(2, run("publish", "--file", file.toString(), "name", "--public", "--private"));
        assertTrue(output().contains("--public, --private, --community and --shared exclude each other"), output());
    }

    @Test
    void publishRunAloneAnswersAsUnderTheRootCommand() throws Exception {
        String underRoot = new CommandLine(new BuildImage()).getSubcommands().get("publish").getUsageMessage();
        assertEquals(0, run("publish", "--help"));
        assertEquals(underRoot, out.toString(StandardCharsets.UTF_8));
        out.reset();
        assertEquals(2, run("publish", "--bogus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("Unknown option: '--bogus'\n"
                + "Usage: build-image publish "), output());
        err.reset();
        // A value found bad while running (a cloud no clouds.yaml has) is a usage error there too: one line.
        Path file = Files.writeString(dir.resolve("img.raw"), "x");
        assertEquals(2, run("publish", "--os-cloud", "no-such-cloud-anywhere", file.toString(), "x"));
        assertTrue(output().startsWith("error: ") && output().contains("no-such-cloud-anywhere"), output());
        assertEquals(1, output().split("\n").length, output());
    }

    @Test
    void everyCommandPrintsTheVersion() {
        for (String[] args : new String[][] {{"--version"}, {"publish", "--version"}, {"plan", "--version"},
            {"validate", "-V"}, {"owner-script", "--version"}}) {
            out.reset();
            assertEquals(0, run(args));
            assertEquals(Version.text() + "\n", out.toString(StandardCharsets.UTF_8), String.join(" ", args));
        }
    }

    @Test
    void ownerScriptPrintsTheVisaSnippet() {
        assertEquals(0, run("owner-script"));
        String script = output();
        assertTrue(script.startsWith("#!"), script);
        assertTrue(script.contains("ds.meta_data.meta.owner") && script.contains("pamPublicKey"), script);
    }

    @Test
    void shellCompletionKnowsTheSubcommandsAndOptions() {
        assertEquals(0, run("generate-completion"));
        String script = output();
        assertTrue(script.contains("complete -F _complete_build-image") || script.contains("_complete_build-image"),
                script.substring(0, Math.min(400, script.length())));
        assertTrue(script.contains("validate") && script.contains("--only") && script.contains("--log-level"));
    }

    @Test
    void anUnknownLogLevelIsBadUsage() {
        assertEquals(2, run("--log-level", "loud"));
        assertTrue(output().contains("--log-level") && output().contains("debug, info, warn, error"), output());
    }

    @Test
    void aTemplateThatWouldPublishSaysHowWithoutPublishing() throws Exception {
        BuildPlan plan = ImageBuilder.from(TEMPLATES.resolve("visa-ci")).plan();
        assertEquals("not publishing: 'visa-ci' has a publish section (image \"visa-ci\"); add --publish to"
                + " upload it to Glance", BuildImage.publishHint(plan).orElseThrow());
        assertTrue(plan.describe().contains("publish  visa-ci (private, min-disk 4 GB): only when asked to publish"),
                plan.describe());
    }
}
