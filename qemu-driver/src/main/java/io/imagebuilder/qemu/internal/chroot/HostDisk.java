package io.imagebuilder.qemu.internal.chroot;

import io.imagebuilder.internal.build.HostProcesses;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.qemu.internal.QemuImg;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.HostSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A stage's disk opened on this host for the chroot executor. The disk (with its backing chain) is written out
 * as a sparse raw file in the work folder and attached to a loop device: qemu-nbd would attach the qcow2
 * itself, but needs the nbd kernel module, which containers and CI runners often lack; a raw file needs only
 * loop devices, and convert reads it as it reads an overlay. The root partition (the one with an os-release) is
 * mounted, then its {@code /boot} and {@code /boot/efi} as its fstab names them, with /proc, /sys, /dev, /dev/pts
 * bound, a tmpfs on /run, this host's resolv.conf in place, a policy-rc.d that keeps services from starting
 * (systemctl does not start units in a chroot anyway) and the /dev/disk/by-uuid link update-grub needs.
 * Everything lives under {@code WORK/chroot}, so a killed build's mounts and loop device are found and removed
 * by the next build.
 */
public final class HostDisk implements HostSystem {

    private static final String SAVED = ".imagebuilder-saved";
    private static final List<String> REPLACED = List.of("etc/resolv.conf", "usr/sbin/policy-rc.d");

    private final Path dir;
    private final Path raw;
    private final Path root;
    private final Deque<String> mounts = new ArrayDeque<>();
    private final List<String> replaced = new ArrayList<>();
    private ChrootSession session;
    private String loop;
    private Path uuidLink;
    private boolean closed;

    private HostDisk(Path dir) {
        this.dir = dir;
        this.raw = dir.resolve("disk.raw");
        this.root = dir.resolve("root");
    }

    /** Root and losetup are needed; said before anything starts. */
    public static Optional<String> cannotOpen() {
        if (!HostProcesses.isRoot()) {
            return Optional.of("the chroot executor needs root (loop devices, mount, chroot)");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/losetup")) && !Files.isExecutable(Path.of("/sbin/losetup"))) {
            return Optional.of("the chroot executor needs losetup (apt-get install mount)");
        }
        return Optional.empty();
    }

    /** @param loginUser the template's SSH user: its home is the session's (the seal cleans its keys there) */
    public static HostDisk open(Path disk, String loginUser, StepContext ctx) throws Exception {
        HostDisk d = new HostDisk(ctx.workDir().resolve("chroot"));
        try {
            d.attach(disk, loginUser, ctx);
            return d;
        } catch (Exception | Error e) {
            try {
                d.close();
            } catch (IOException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private void attach(Path disk, String loginUser, StepContext ctx) throws Exception {
        Files.createDirectories(root);
        long start = System.nanoTime();
        new QemuImg(ctx.cancellation()).run(List.of("convert", "-O", "raw", disk.toString(), raw.toString()), null);
        loop = HostCommands.run("losetup", "--find", "--show", "--partscan", raw.toString());
        HostCommands.tryRun(List.of("partx", "-u", loop)); // losetup -P makes no loopNp1 on some kernels
        LoopPartitions parts = LoopPartitions.of(loop);
        String rootPartition = mountRoot(parts);
        List<String> more = mountBootPartitions(parts);
        ctx.info("opened " + disk.getFileName() + " on this host: " + rootPartition + " mounted at " + root
                + (more.isEmpty() ? "" : ", with " + String.join(", ", more)) + " ("
                + (System.nanoTime() - start) / 1_000_000 + " ms)");
        mount("proc", "-t", "proc", "proc");
        mount("sys", "--bind", "/sys");
        mount("dev", "--bind", "/dev");
        mount("dev/pts", "--bind", "/dev/pts");
        mount("run", "-t", "tmpfs", "-o", "mode=755", "tmpfs");
        replace("etc/resolv.conf", Files.readString(Path.of("/etc/resolv.conf")), "rw-r--r--");
        replace("usr/sbin/policy-rc.d", "#!/bin/sh\n# imagebuilder's chroot executor: no service starts\nexit 101\n",
                "rwxr-xr-x");
        Optional<String> uuid = parts.uuidOf(rootPartition);
        if (uuid.isPresent()) { // without udev, update-grub writes root=/dev/loopNpM unless this link exists
            Path link = Path.of("/dev/disk/by-uuid", uuid.get());
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(link.getParent());
                Files.createSymbolicLink(link, Path.of(rootPartition));
                uuidLink = link;
            }
        }
        session = new ChrootSession(root, homeOf(loginUser));
    }

    /** Mounts the partition that holds an os-release (or the whole device, for a disk without partitions). */
    private String mountRoot(LoopPartitions parts) throws IOException {
        for (String dev : parts.rootCandidates()) {
            if (!HostCommands.tryRun(List.of("mount", dev, root.toString())).isEmpty()) {
                continue; // not a file system (a BIOS boot partition, say)
            }
            mounts.push(root.toString());
            if (Files.isRegularFile(root.resolve("etc/os-release"))
                    || Files.isRegularFile(root.resolve("usr/lib/os-release"))) {
                return dev;
            }
            HostCommands.run("umount", mounts.pop());
        }
        throw new IOException("no root file system (etc/os-release) found on " + parts.rootCandidates()
                + (parts.partitions().isEmpty() ? "; if the disk has partitions, their /dev/" + Path.of(parts.device())
                .getFileName() + "pN nodes never appeared (a container without devtmpfs?)" : ""));
    }

    /** /boot and /boot/efi on partitions of their own, as the image's fstab names them: kernels go there. */
    private List<String> mountBootPartitions(LoopPartitions parts) throws IOException {
        Path fstab = root.resolve("etc/fstab");
        List<String> mounted = new ArrayList<>();
        if (!Files.isRegularFile(fstab)) {
            return mounted;
        }
        for (String where : List.of("/boot", "/boot/efi")) {
            for (String line : Files.readAllLines(fstab)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && !f[0].startsWith("#") && f[1].equals(where)) {
                    String dev = parts.forSpec(f[0]).orElseThrow(() -> new IOException("the image's fstab mounts "
                            + where + " from " + f[0] + ", which is not a partition of this disk"));
                    mount(where.substring(1), dev);
                    mounted.add(where + " (" + dev + ")");
                }
            }
        }
        return mounted;
    }

    /** Mounts onto a folder of the image, which must be a real folder inside it (never a link out of it). */
    private void mount(String where, String... how) throws IOException {
        Path target = inside(where);
        Files.createDirectories(target);
        if (!target.toRealPath().startsWith(root.toRealPath())) {
            throw new IOException("the image's /" + where + " leads out of it (a symbolic link): not mounting there");
        }
        List<String> cmd = new ArrayList<>(List.of("mount"));
        cmd.addAll(List.of(how));
        cmd.add(target.toString());
        HostCommands.run(cmd.toArray(String[]::new));
        mounts.push(target.toString());
    }

    /** Sets a file of the image for the chroot's time, keeping the image's own (a file or a link) to restore. */
    private void replace(String file, String content, String mode) throws IOException {
        Path p = inside(file);
        Path saved = inside(file + SAVED);
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(p, saved, StandardCopyOption.REPLACE_EXISTING);
        }
        replaced.add(file);
        Files.createDirectories(p.getParent());
        if (!p.getParent().toRealPath().startsWith(root.toRealPath())) {
            throw new IOException("the image's /" + file + " is in a folder that leads out of it: not writing it");
        }
        Files.writeString(p, content, java.nio.file.StandardOpenOption.CREATE_NEW);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    /** A path of the image whose folders are no symbolic links (those could lead to the host's files). */
    private Path inside(String relative) throws IOException {
        Path p = root;
        Path parent = Path.of(relative).getParent();
        if (parent != null) {
            for (Path part : parent) {
                p = p.resolve(part);
                if (Files.isSymbolicLink(p)) {
                    throw new IOException("the image's /" + root.relativize(p) + " is a symbolic link: not"
                            + " following it");
                }
            }
        }
        return root.resolve(relative);
    }

    private String homeOf(String user) {
        try {
            return Files.readAllLines(root.resolve("etc/passwd")).stream().map(l -> l.split(":"))
                    .filter(f -> f.length > 5 && f[0].equals(user)).map(f -> f[5]).findFirst().orElse("/root");
        } catch (IOException e) {
            return "/root";
        }
    }

    @Override
    public GuestSession session() {
        return session;
    }

    @Override
    public Path disk() {
        return raw;
    }

    /**
     * Undoes everything in reverse: what runs in the chroot, the replaced files, the mounts, the loop device. Each
     * undo runs even when one before it failed; the failures are thrown together.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<String> failures = new ArrayList<>();
        try {
            HostProcesses.rootedIn(root).forEach(HostProcesses::kill);
        } catch (RuntimeException e) {
            failures.add("stopping what runs in the chroot: " + e);
        }
        for (String file : REPLACED) {
            if (replaced.contains(file)) {
                try {
                    Files.deleteIfExists(root.resolve(file));
                    if (Files.exists(root.resolve(file + SAVED), LinkOption.NOFOLLOW_LINKS)) {
                        Files.move(root.resolve(file + SAVED), root.resolve(file));
                    }
                } catch (IOException | RuntimeException e) {
                    failures.add("restoring /" + file + ": " + e.getMessage());
                }
            }
        }
        if (uuidLink != null) {
            try {
                Files.deleteIfExists(uuidLink);
            } catch (IOException e) {
                failures.add("removing " + uuidLink + ": " + e.getMessage());
            }
        }
        while (!mounts.isEmpty()) {
            String m = mounts.pop();
            String failed = HostCommands.tryRun(List.of("umount", m));
            if (!failed.isEmpty()) {
                String lazy = HostCommands.tryRun(List.of("umount", "-l", m));
                failures.add(failed + (lazy.isEmpty() ? " (detached lazily)" : "; " + lazy));
            }
        }
        if (loop != null) {
            String failed = HostCommands.tryRun(List.of("losetup", "-d", loop));
            if (!failed.isEmpty()) {
                failures.add(failed);
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException("closing the chroot of " + dir + ": " + String.join("; ", failures));
        }
        Files.deleteIfExists(root);
    }
}
