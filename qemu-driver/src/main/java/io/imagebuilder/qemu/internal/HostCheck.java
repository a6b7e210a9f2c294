package io.imagebuilder.qemu.internal;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Whether this host can run a build's VM, asked before a stage makes anything. libvirt as distributions configure
 * it runs QEMU as an unprivileged user (Debian: libvirt-qemu) and hands it each disk, kernel and ISO (dynamic
 * ownership), but never the folders on the way to them: a home folder or a 0700 folder stops it. The user comes
 * from libvirt's host capabilities (the DAC base label); the check itself runs as that user, so ACLs and groups
 * count as they will for QEMU.
 */
public final class HostCheck {

    /** The user and group libvirt runs QEMU as, and the user's name if it has one. */
    record QemuUser(int uid, int gid, Optional<String> name) {
        String describe() {
            return name.map(n -> n + " (uid " + uid + ")").orElse("uid " + uid);
        }
    }

    private HostCheck() {
    }

    public static List<String> problems(String uri, Collection<Path> paths) {
        if (uri.matches("^[\\w+]+://[^/].*")) { // qemu+ssh://host/system: a host name, not qemu:///system
            return List.of(); // a remote libvirtd's user says nothing about this host's folders
        }
        Connect connection;
        try {
            connection = Libvirt.connect(uri);
        } catch (IllegalStateException e) {
            return List.of(e.getMessage());
        }
        try {
            Optional<QemuUser> user = qemuUser(connection.getCapabilities());
            return user.isEmpty() || user.get().uid() == 0 ? List.of() : unreachable(user.get(), paths);
        } catch (LibvirtException e) {
            return List.of("libvirt at " + uri + " did not say which user runs QEMU: " + Libvirt.message(e));
        } finally {
            try {
                connection.close();
            } catch (LibvirtException e) {
                // closing a connection only asked a question
            }
        }
    }

    /** From {@code <secmodel><model>dac</model>...<baselabel type='qemu'>+64055:+64055</baselabel>}. */
    static Optional<QemuUser> qemuUser(String capabilitiesXml) {
        String label;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(capabilitiesXml)));
            label = XPathFactory.newInstance().newXPath()
                    .evaluate("//secmodel[model='dac']/baselabel[@type='qemu']", doc).trim();
        } catch (Exception e) {
            return Optional.empty();
        }
        String[] ids = label.replace("+", "").split(":");
        if (ids.length != 2 || !ids[0].matches("\\d+") || !ids[1].matches("\\d+")) {
            return Optional.empty();
        }
        int uid = Integer.parseInt(ids[0]);
        return Optional.of(new QemuUser(uid, Integer.parseInt(ids[1]), userName(uid)));
    }

    /** One problem per folder QEMU's user cannot enter, naming what it blocks and two ways out. */
    static List<String> unreachable(QemuUser user, Collection<Path> paths) {
        Map<Path, Path> blockedBy = new LinkedHashMap<>(); // folder -> the first path it blocks
        List<Path> folders = new ArrayList<>();
        for (Path p : paths) {
            for (Path folder : foldersOnTheWay(p.toAbsolutePath().normalize())) {
                if (!folders.contains(folder)) {
                    folders.add(folder);
                }
            }
        }
        List<Path> closed = cannotEnter(user, folders);
        for (Path p : paths) { // the first closed folder on each path: the ones below it follow from it
            Path abs = p.toAbsolutePath().normalize();
            closed.stream().filter(abs::startsWith).min(java.util.Comparator.comparingInt(Path::getNameCount))
                    .ifPresent(folder -> blockedBy.putIfAbsent(folder, p));
        }
        List<String> problems = new ArrayList<>();
        blockedBy.forEach((folder, path) -> problems.add("QEMU runs as " + user.describe() + " (libvirt's"
                + " qemu.conf), which cannot enter " + folder + " (" + describe(folder) + ") on the way to " + path
                + ": use folders it can reach (--output, IMAGEBUILDER_CACHE) or let it through: setfacl -m u:"
                + user.name().orElse(String.valueOf(user.uid())) + ":x " + folder));
        return problems;
    }

    /** The existing folders from / to {@code p} (or to its nearest existing ancestor; we create the rest). */
    private static List<Path> foldersOnTheWay(Path p) {
        Path last = p;
        while (last != null && !Files.isDirectory(last)) {
            last = last.getParent();
        }
        List<Path> folders = new ArrayList<>();
        for (Path f = last; f != null; f = f.getParent()) {
            folders.add(0, f);
        }
        return folders;
    }

    /**
     * Asks the kernel, as QEMU's user, which folders it cannot search (ACLs and groups count); where that cannot
     * be asked (not root, no setpriv), the folders that others may not search.
     */
    private static List<Path> cannotEnter(QemuUser user, List<Path> folders) {
        return askedAs(user, folders).orElseGet(() -> folders.stream().filter(f -> !othersMaySearch(f)).toList());
    }

    private static boolean othersMaySearch(Path folder) {
        try {
            return Files.getPosixFilePermissions(folder).contains(java.nio.file.attribute.PosixFilePermission
                    .OTHERS_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return true; // cannot tell: let libvirt say
        }
    }

    private static java.util.Optional<List<Path>> askedAs(QemuUser user, List<Path> folders) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(),
                user.name().isPresent() ? "--init-groups" : "--clear-groups", "sh", "-c",
                "for d; do [ -x \"$d\" ] || printf '%s\\n' \"$d\"; done", "sh"));
        folders.forEach(f -> cmd.add(f.toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(out.lines().filter(l -> !l.isEmpty()).map(Path::of).toList());
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private static String describe(Path folder) {
        try {
            PosixFileAttributes a = Files.readAttributes(folder, PosixFileAttributes.class);
            return "d" + PosixFilePermissions.toString(a.permissions()) + " " + a.owner().getName() + ":"
                    + a.group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "not searchable";
        }
    }

    private static Optional<String> userName(int uid) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().map(l -> l.split(":"))
                    .filter(f -> f.length > 2 && f[2].equals(String.valueOf(uid))).map(f -> f[0]).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
