package io.imagebuilder.internal.build;

import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.Machine;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A digest of everything a stage's image depends on: the resolved template (variables, machine, provisioners,
 * output...), the content of every local file it reads (scripts, uploaded files, http/ files, kernel), and the
 * parent's digest. An image whose recorded digest matches is reused instead of rebuilt.
 */
public final class StageDigest {

    /** Bumped when what a stage leaves beside its image changes, so older outputs are rebuilt, not reused. */
    private static final String LAYOUT_VERSION = "3";
    private static final Pattern LOCATION = Pattern.compile("location=[^,\\]]*");

    private StageDigest() {
    }

    public static String of(ImageTemplate t, String parentDigest, List<Path> extraFiles) throws IOException {
        MessageDigest md = sha256();
        update(md, "layout=" + LAYOUT_VERSION + " parent=" + parentDigest);
        // Records print every component. Left out: the variables (their values are already in the fields that
        // use them, and a value no field uses, such as a --var meant for another stage, changes nothing) and
        // the location. Added: what toString masks or abbreviates (secrets, generated http files).
        // The executor and the verification are left out too: they do not change the image.
        Machine m = t.machine();
        Machine machine = new Machine(m.cpus(), m.memoryMb(), m.diskSizeMb(), m.accelerator(), m.headless(),
                m.qemuArgs());
        ImageTemplate bare = new ImageTemplate(t.name(), Location.UNKNOWN, t.parent(), t.description(), t.source(),
                machine, t.communicator(), t.httpDirectory(), t.httpContent(), t.provisioners(), t.shutdown(),
                t.output(), t.publish(), Map.of(), Optional.empty());
        update(md, portable(bare.toString(), t));
        t.communicator().password().ifPresent(p -> update(md, "password=" + p.reveal()));
        new TreeMap<>(t.httpContent()).forEach((path, content) -> update(md, "http " + path + "=" + content));
        for (Path file : localFiles(t, extraFiles)) {
            hashTree(md, file);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The template's text without what does not change the image: where each value was written (a comment
     * that moves a line) and where the templates folder is (another checkout of the same templates).
     */
    static String portable(String text, ImageTemplate t) {
        String out = LOCATION.matcher(text).replaceAll("location=");
        Path file = t.location().file();
        if (file != null && file.getParent() != null && file.getParent().getParent() != null) {
            out = out.replace(file.getParent().getParent().toString(), "<templates>");
        }
        return out;
    }

    static List<Path> localFiles(ImageTemplate t, List<Path> extraFiles) {
        List<Path> files = new ArrayList<>(extraFiles);
        t.httpDirectory().ifPresent(files::add);
        if (t.source() instanceof Source.Kernel k) {
            files.add(k.kernel());
            files.add(k.initrd());
        }
        for (ProvisionerSpec p : t.provisioners()) {
            if (p instanceof ProvisionerSpec.Shell s) {
                files.addAll(s.scripts());
            } else if (p instanceof ProvisionerSpec.FileUpload f) {
                files.add(f.source());
            }
        }
        return files;
    }

    private static void hashTree(MessageDigest md, Path root) throws IOException {
        if (!Files.exists(root)) {
            update(md, "missing " + root);
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                update(md, "file " + root.relativize(p));
                if (Files.isRegularFile(p)) {
                    byte[] buf = new byte[1 << 16];
                    try (InputStream in = Files.newInputStream(p)) {
                        for (int n; (n = in.read(buf)) > 0; ) {
                            md.update(buf, 0, n);
                        }
                    }
                }
            }
        }
    }

    private static void update(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
