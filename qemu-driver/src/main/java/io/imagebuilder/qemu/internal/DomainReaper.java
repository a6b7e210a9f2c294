package io.imagebuilder.qemu.internal;

import io.imagebuilder.internal.build.LeftoverWorkFolders;
import io.imagebuilder.spi.BuildOwner;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes the build VMs of builds that were killed (SIGKILL, an OOM kill, a CI time-out) while their QEMU ran
 * on: a domain is one when its metadata holds our owner record and that process no longer runs. A domain
 * without our record, or whose owner still runs, is never touched, whatever its name.
 */
public final class DomainReaper {

    private static final Logger LOG = LoggerFactory.getLogger(DomainReaper.class);

    private DomainReaper() {
    }

    /** One line for each domain removed (or, with {@code dryRun}, that would be), saying whose it was. */
    public static List<String> reap(String uri, boolean dryRun) {
        Connect conn = Libvirt.connect(uri);
        List<String> said = new ArrayList<>();
        try {
            for (Domain dom : domains(conn)) {
                try {
                    String xml = dom.getXMLDesc(0);
                    Optional<BuildOwner.Claim> claim = xml.contains(BuildOwner.NAMESPACE) ? BuildOwner.parse(xml)
                            : Optional.empty();
                    if (claim.isEmpty() || claim.get().owner().isAlive()) {
                        continue;
                    }
                    String name = dom.getName();
                    String what = "domain " + name + " of a build that no longer runs (pid "
                            + claim.get().owner().pid() + ")" + claim.get().workDir().map(d -> ", work folder " + d)
                            .orElse("");
                    if (dryRun) {
                        said.add("would remove " + what);
                        continue;
                    }
                    boolean persistent = dom.isPersistent() == 1; // asked first: a destroyed transient one is gone
                    if (dom.isActive() == 1) {
                        dom.destroy();
                    }
                    if (persistent) {
                        dom.undefine();
                    }
                    Libvirt.deleteDomainLog(uri, name);
                    claim.get().workDir().filter(DomainReaper::isBuildWorkDir).ifPresent(DomainReaper::deleteWorkDir);
                    said.add("removed " + what);
                } catch (LibvirtException e) {
                    if (!Libvirt.isNoDomain(e) && !Libvirt.isNotRunning(e)) {
                        said.add("could not remove a leftover domain: " + Libvirt.message(e));
                    }
                } finally {
                    free(dom);
                }
            }
        } finally {
            try {
                conn.close();
            } catch (LibvirtException e) {
                LOG.debug("closing the libvirt connection failed: {}", Libvirt.message(e));
            }
        }
        return said;
    }

    private static List<Domain> domains(Connect conn) {
        List<Domain> out = new ArrayList<>();
        try {
            for (int id : conn.listDomains()) {
                lookup(() -> conn.domainLookupByID(id)).ifPresent(out::add);
            }
            for (String name : conn.listDefinedDomains()) {
                lookup(() -> conn.domainLookupByName(name)).ifPresent(out::add);
            }
        } catch (LibvirtException e) {
            throw new IllegalStateException("cannot list libvirt's domains: " + Libvirt.message(e), e);
        }
        return out;
    }

    private interface Lookup {
        Domain get() throws LibvirtException;
    }

    private static Optional<Domain> lookup(Lookup lookup) {
        try {
            return Optional.of(lookup.get());
        } catch (LibvirtException e) {
            return Optional.empty(); // gone since it was listed
        }
    }

    /** Only a folder our builds make ({@code OUTPUT/.work/imagebuilder-...}) is deleted, whatever a record says. */
    static boolean isBuildWorkDir(Path dir) {
        Path parent = dir.getParent();
        return dir.isAbsolute() && parent != null && parent.getFileName() != null
                && parent.getFileName().toString().equals(".work")
                && dir.getFileName().toString().startsWith("imagebuilder-");
    }

    private static void deleteWorkDir(Path dir) {
        try {
            LeftoverWorkFolders.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("could not remove the work folder {}: {}", dir, e.getMessage());
        }
    }

    private static void free(Domain dom) {
        try {
            dom.free();
        } catch (LibvirtException e) {
            LOG.debug("free failed: {}", Libvirt.message(e));
        }
    }
}
