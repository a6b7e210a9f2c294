package io.imagebuilder.cli;

import picocli.CommandLine;

/** {@code --version}: the version Maven built (the jar's manifest), for the command and each subcommand. */
final class Version implements CommandLine.IVersionProvider {

    static String text() {
        String v = Version.class.getPackage().getImplementationVersion();
        return "imagebuilder " + (v != null ? v : "(development build)");
    }

    @Override
    public String[] getVersion() {
        return new String[] {text()};
    }
}
