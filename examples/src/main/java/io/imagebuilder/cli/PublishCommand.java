package io.imagebuilder.cli;

import io.imagebuilder.glance.GlanceTarget;
import io.imagebuilder.internal.build.BuildContext;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.Publish;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;

/** Uploads an existing image file, like {@code openstack image create NAME --file F}, but streamed and checked. */
@Command(name = PublishCommand.NAME, mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false,
        description = {"Upload an existing qcow2 or raw file to Glance (credentials from OS_* variables or"
                + " --os-cloud), check Glance's checksums, and print the image id.",
                "Both `publish FILE --name NAME` and openstack's `publish --file FILE NAME` work."})
final class PublishCommand implements Callable<Integer> {

    static final String NAME = "publish";

    @Parameters(arity = "0..2", paramLabel = "FILE|NAME", description = "The image file (unless --file is given),"
            + " then the image name (unless --name is given).")
    List<String> positional = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE", description = "The image file, as openstack image create takes it.")
    Path fileOption;

    @Option(names = "--name", description = "Image name.")
    String nameOption;

    @Option(names = "--disk-format", description = "qcow2, raw, ... (default: from the file name, else raw).")
    String diskFormat;

    @Option(names = "--container-format", description = "Default: bare.")
    String containerFormat = "bare";

    @Option(names = "--min-disk", paramLabel = "GB", description = "Minimum disk size in GB.")
    int minDisk;

    @Option(names = "--min-ram", paramLabel = "MB", description = "Minimum RAM in MB.")
    int minRam;

    @Option(names = "--public", description = "Visible to every project.")
    boolean visibilityPublic;

    @Option(names = "--private", description = "Visible to this project only (default).")
    boolean visibilityPrivate;

    @Option(names = "--community", description = "Visible to all, not listed by default.")
    boolean visibilityCommunity;

    @Option(names = "--shared", description = "Shared with chosen projects.")
    boolean visibilityShared;

    @Option(names = "--protected", description = "Protect the image from deletion.")
    boolean isProtected;

    @Option(names = "--property", paramLabel = "KEY=VALUE", description = "An image property (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--tag", description = "A tag (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--on-conflict", paramLabel = "fail|replace|keep-both",
            description = "An image of that name exists already: fail, replace it after the upload, or keep both"
                    + " (default, as Glance does).")
    String onConflict = "keep-both";

    @Option(names = "--os-cloud", paramLabel = "NAME", description = "Cloud of clouds.yaml (env OS_CLOUD).")
    String osCloud;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>(positional);
        Path file = fileOption != null ? fileOption : args.isEmpty() ? null : Path.of(args.remove(0));
        String name = nameOption != null ? nameOption : args.isEmpty() ? null : args.remove(0);
        if (file == null || name == null || !args.isEmpty()) {
            System.err.println("error: give the file and the image name once each: publish FILE --name NAME");
            return BuildImage.USAGE;
        }
        if (!Files.isRegularFile(file)) {
            System.err.println("error: " + file + " does not exist");
            return BuildImage.USAGE;
        }
        int visibilities = (visibilityPublic ? 1 : 0) + (visibilityPrivate ? 1 : 0) + (visibilityCommunity ? 1 : 0)
                + (visibilityShared ? 1 : 0);
        if (visibilities > 1) {
            System.err.println("error: --public, --private, --community and --shared exclude each other");
            return BuildImage.USAGE;
        }
        GlanceTarget glance = BuildImage.glance(osCloud);
        Publish.Visibility visibility = visibilityPublic ? Publish.Visibility.PUBLIC
                : visibilityCommunity ? Publish.Visibility.COMMUNITY
                : visibilityShared ? Publish.Visibility.SHARED : Publish.Visibility.PRIVATE;
        String format = diskFormat != null ? diskFormat
                : file.getFileName().toString().endsWith(".qcow2") ? "qcow2" : "raw";
        Publish publish = new Publish(name, visibility, minDisk, minRam, format, containerFormat, isProtected,
                properties, tags, Publish.OnConflict.parse(onConflict));
        CountDownLatch ended = new CountDownLatch(1);
        ConsoleProgress progress = new ConsoleProgress(System.out);
        BuildContext build = BuildContext.forPublishing(glance, progress);
        CancelOnCtrlC ctrlC = new CancelOnCtrlC(build.cancellation()::cancel, ended::await);
        // Nothing is written beside the file or in a temp folder: the console shows every message.
        try (ctrlC; progress) {
            StepContext ctx = build.stepContext(name, file.toAbsolutePath().getParent());
            PublishTarget.PublishedImage image = glance.publish(file, publish, ctx);
            System.out.println("published " + image.name() + " id " + image.id() + " md5 " + image.checksumMd5());
            return BuildImage.OK;
        } catch (CancellationException e) {
            System.err.println("publish cancelled; the half-made image was deleted");
            return BuildImage.CANCELLED;
        } catch (RuntimeException e) { // GlancePublishException: says what failed, never a secret
            System.err.println("error: " + build.masker().mask(String.valueOf(e.getMessage())));
            return BuildImage.FAILED;
        } finally {
            ended.countDown();
        }
    }
}
