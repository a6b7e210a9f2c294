package io.imagebuilder.qemu.internal.chroot;

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
import java.util.stream.Stream;

/**
 * A stage's disk opened on this host for the chroot executor. The disk (with its backing chain) is written out
 * as a sparse raw file in the work folder and attached to a loop device: qemu-nbd would attach the qcow2
 * itself, but needs the nbd kernel module, which containers and CI runners often lack; a raw file needs only
 * loop devices, and convert reads it as it reads an overlay. The root partition (the one with an os-release) is
 * mounted with /proc, /sys, /dev, /dev/pts bound, a tmpfs on /run, this host's resolv.conf in place and a
 * policy-rc.d that keeps services from starting (systemctl does not start units in a chroot anyway).
 * Everything lives under {@code WORK/chroot}, so a killed build's mounts and loop device are found and removed
 * by the next build.
 */
public final class HostDisk implements HostSystem {

    private static final String SAVED = ".imagebuilder-saved";
    private static final List<String> ETC_FILES = List.of("etc/resolv.conf", "usr/sbin/policy-rc.d");

    private final Path dir;
    private final Path raw;
    private final Path root;
    private final Deque<String> mounts = new ArrayDeque<>();
    private final List<String> changed = new ArrayList<>();
    private final ChrootSession session;
    private String loop;
    private boolean closed;

    private HostDisk(Path dir) {
        this.dir = dir;
        this.raw = dir.resolve("disk.raw");
        this.root = dir.resolve("root");
        this.session = new ChrootSession(root);
    }

    /** Root and losetup are needed; said before anything starts. */
    public static java.util.Optional<String> cannotOpen() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return java.util.Optional.of("the chroot executor needs root (loop devices, mount, chroot)");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/losetup")) && !Files.isExecutable(Path.of("/sbin/losetup"))) {
            return java.util.Optional.of("the chroot executor needs losetup (apt-get install mount)");
        }
        return java.util.Optional.empty();
    }

    public static HostDisk open(Path disk, StepContext ctx) throws Exception {
        HostDisk d = new HostDisk(ctx.workDir().resolve("chroot"));
        try {
            d.attach(disk, ctx);
            return d;
        } catch (Exception | Error e) {
            d.close();
            throw e;
        }
    }

    private void attach(Path disk, StepContext ctx) throws Exception {
        Files.createDirectories(root);
        long start = System.nanoTime();
        new QemuImg(ctx.cancellation()).run(List.of("convert", "-O", "raw", disk.toString(), raw.toString()), null);
        loop = HostCommands.run("losetup", "--find", "--show", "--partscan", raw.toString());
        HostCommands.tryRun(List.of("partx", "-u", loop)); // losetup -P makes no loopNp1 on some kernels
        String partition = mountRoot(ctx);
        ctx.info("opened " + disk.getFileName() + " on this host: " + partition + " mounted at " + root + " ("
                + (System.nanoTime() - start) / 1_000_000 + " ms)");
        mount("proc", "-t", "proc", "proc");
        mount("sys", "--bind", "/sys");
        mount("dev", "--bind", "/dev");
        mount("dev/pts", "--bind", "/dev/pts");
        mount("run", "-t", "tmpfs", "-o", "mode=755", "tmpfs");
        replace("etc/resolv.conf", Files.readString(Path.of("/etc/resolv.conf")), "rw-r--r--");
        replace("usr/sbin/policy-rc.d", "#!/bin/sh\n# imagebuilder's chroot executor: no service starts\nexit 101\n",
                "rwxr-xr-x");
    }

    /** Mounts the partition that holds an os-release (or the whole device, for a disk without partitions). */
    private String mountRoot(StepContext ctx) throws IOException, InterruptedException {
        List<Path> partitions = List.of();
        for (int i = 0; i < 10 && partitions.isEmpty(); i++) { // udev-less hosts: the nodes come a moment later
            try (Stream<Path> devs = Files.list(Path.of("/dev"))) {
                String name = Path.of(loop).getFileName() + "p";
                partitions = devs.filter(p -> p.getFileName().toString().startsWith(name)).sorted().toList();
            }
            if (partitions.isEmpty()) {
                Thread.sleep(100);
            }
        }
        List<String> candidates = new ArrayList<>(partitions.stream().map(Path::toString).toList());
        candidates.add(loop);
        for (String dev : candidates) {
            if (!HostCommands.tryRun(List.of("mount", dev, root.toString())).isEmpty()) {
                continue; // not a file system (a BIOS boot partition, say)
            }
            if (Files.exists(root.resolve("etc/os-release"), LinkOption.NOFOLLOW_LINKS)
                    || Files.exists(root.resolve("usr/lib/os-release"))) {
                mounts.push(root.toString());
                return dev;
            }
            HostCommands.run("umount", root.toString());
        }
        throw new IOException("no partition of the disk holds a root file system (etc/os-release): tried "
                + candidates);
    }

    private void mount(String where, String... how) throws IOException {
        Path target = root.resolve(where);
        Files.createDirectories(target);
        List<String> cmd = new ArrayList<>(List.of("mount"));
        cmd.addAll(List.of(how));
        cmd.add(target.toString());
        HostCommands.run(cmd.toArray(String[]::new));
        mounts.push(target.toString());
    }

    /** Sets a file of the image for the chroot's time, keeping the image's own (a file or a link) to restore. */
    private void replace(String file, String content, String mode) throws IOException {
        Path p = root.resolve(file);
        Path saved = root.resolve(file + SAVED);
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(p, saved, StandardCopyOption.REPLACE_EXISTING);
        }
        changed.add(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    @Override
    public GuestSession session() {
        return session;
    }

    @Override
    public Path disk() {
        return raw;
    }

    /** Undoes everything in reverse; each undo runs even when one before it failed, and the first failure is thrown. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<String> failures = new ArrayList<>();
        ChrootProcesses.killAllUnder(root);
        for (String file : ETC_FILES) {
            if (changed.contains(file)) {
                try {
                    Path p = root.resolve(file);
                    Path saved = root.resolve(file + SAVED);
                    Files.deleteIfExists(p);
                    if (Files.exists(saved, LinkOption.NOFOLLOW_LINKS)) {
                        Files.move(saved, p);
                    }
                } catch (IOException e) {
                    failures.add("restoring " + file + ": " + e.getMessage());
                }
            }
        }
        while (!mounts.isEmpty()) {
            String m = mounts.pop();
            String failed = HostCommands.tryRun(List.of("umount", m));
            if (!failed.isEmpty()) {
                failures.add(failed + HostCommands.tryRun(List.of("umount", "-l", m)));
            }
        }
        if (loop != null) {
            String failed = HostCommands.tryRun(List.of("losetup", "-d", loop));
            if (!failed.isEmpty()) {
                failures.add(failed);
            }
        }
        try {
            Files.deleteIfExists(root);
        } catch (IOException e) {
            failures.add("removing " + root + ": " + e.getMessage());
        }
        if (!failures.isEmpty()) {
            throw new IOException("closing the chroot of " + dir + ": " + String.join("; ", failures));
        }
    }
}
