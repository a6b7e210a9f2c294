package io.imagebuilder.cli;

import io.imagebuilder.ImageBuilder;
import io.imagebuilder.internal.build.LeftoverWorkFolders;
import io.imagebuilder.qemu.LibvirtDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Removes what builds that were killed left on this host: their VMs (found by the owner record in the domain's
 * metadata), work folders, mounts and loop devices. Every build does this before it starts; this does it on
 * demand.
 */
@Command(name = "clean", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Remove what killed builds left behind: VMs whose build no longer runs, and their work"
                + " folders under OUTPUT/.work with the mounts and loop devices in them. Never a VM that is not a"
                + " build's or whose build still runs."})
final class CleanCommand implements Callable<Integer> {

    @Option(names = "--dry-run", description = "Only say what would be removed.")
    boolean dryRun;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "The builds' output folder (default:"
            + " output).")
    Path output = ImageBuilder.DEFAULT_OUTPUT;

    @Option(names = "--libvirt-uri", paramLabel = "URI", description = "The libvirtd the builds ran their VMs in"
            + " (default: env LIBVIRT_DEFAULT_URI, else qemu:///system).")
    String libvirtUri;

    @Override
    public Integer call() throws Exception {
        LibvirtDriver driver = libvirtUri == null ? new LibvirtDriver() : new LibvirtDriver(libvirtUri);
        List<String> said = new ArrayList<>();
        try {
            said.addAll(driver.reapOrphans(dryRun));
        } catch (IllegalStateException e) { // no libvirtd: the work folders can still be cleaned
            System.err.println("warning: " + e.getMessage());
        }
        said.addAll(LeftoverWorkFolders.reap(output, dryRun));
        said.forEach(System.out::println);
        if (said.isEmpty()) {
            System.out.println("nothing left behind by killed builds");
        }
        return BuildImage.OK;
    }
}
