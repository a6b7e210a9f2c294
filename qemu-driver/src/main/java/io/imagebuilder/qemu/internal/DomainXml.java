package io.imagebuilder.qemu.internal;

import io.imagebuilder.spi.MachineSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The libvirt domain XML of a build VM. Facts behind the choices (libvirt 9.0 / QEMU 7.2, Debian bookworm):
 * ACPI is required or a guest poweroff only halts; bookworm's libvirt has no passt, so the SSH forward is a
 * QEMU {@code -netdev user,hostfwd=...} through the qemu namespace, with an explicit PCI address (without it
 * QEMU fails "PCI: slot 2 function 0 not available for VGA").
 */
public final class DomainXml {

    /** PCI slot of the user-network NIC: above anything libvirt assigns for our few devices. */
    static final String NIC_PCI_ADDR = "0x10";

    /**
     * Everything the XML depends on.
     *
     * @param metadata XML put in the domain's {@code <metadata>} (the build's owner record), or empty
     * @param forwards  more forwards: host port to guest port
     */
    public record Config(String name, String domainType, int cpus, int memoryMb, Path disk, Optional<Path> cdrom,
                         Optional<MachineSpec.KernelBoot> kernelBoot, Path serialLog, int hostSshPort,
                         int guestSshPort, List<List<String>> qemuArgs, String metadata,
                         Map<Integer, Integer> forwards) {

        public Config(String name, String domainType, int cpus, int memoryMb, Path disk, Optional<Path> cdrom,
                      Optional<MachineSpec.KernelBoot> kernelBoot, Path serialLog, int hostSshPort,
                      int guestSshPort, List<List<String>> qemuArgs, String metadata) {
            this(name, domainType, cpus, memoryMb, disk, cdrom, kernelBoot, serialLog, hostSshPort, guestSshPort,
                    qemuArgs, metadata, Map.of());
        }

        public Config(String name, String domainType, int cpus, int memoryMb, Path disk, Optional<Path> cdrom,
                      Optional<MachineSpec.KernelBoot> kernelBoot, Path serialLog, int hostSshPort,
                      int guestSshPort, List<List<String>> qemuArgs) {
            this(name, domainType, cpus, memoryMb, disk, cdrom, kernelBoot, serialLog, hostSshPort, guestSshPort,
                    qemuArgs, "");
        }
    }

    private DomainXml() {
    }

    public static String of(Config c) {
        StringBuilder x = new StringBuilder(2048);
        x.append("<domain type='").append(esc(c.domainType()))
                .append("' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n");
        x.append("  <name>").append(esc(c.name())).append("</name>\n");
        x.append("  <description>imagebuilder build VM</description>\n");
        if (!c.metadata().isEmpty()) {
            x.append("  <metadata>").append(c.metadata()).append("</metadata>\n");
        }
        x.append("  <memory unit='MiB'>").append(c.memoryMb()).append("</memory>\n");
        x.append("  <vcpu>").append(c.cpus()).append("</vcpu>\n");
        os(x, c);
        x.append("  <features><acpi/><apic/></features>\n");
        if ("kvm".equals(c.domainType())) {
            x.append("  <cpu mode='host-passthrough'/>\n");
        }
        x.append("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n");
        x.append("  <on_crash>destroy</on_crash>\n");
        devices(x, c);
        commandLine(x, c);
        x.append("</domain>\n");
        return x.toString();
    }

    private static void os(StringBuilder x, Config c) {
        x.append("  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n");
        if (c.kernelBoot().isPresent()) {
            MachineSpec.KernelBoot k = c.kernelBoot().get();
            x.append("    <kernel>").append(esc(k.kernel().toString())).append("</kernel>\n");
            x.append("    <initrd>").append(esc(k.initrd().toString())).append("</initrd>\n");
            x.append("    <cmdline>").append(esc(k.commandLine())).append("</cmdline>\n");
        } else {
            // Disk first: a new disk has no boot loader so the BIOS falls through to the CD; after the
            // installer's reboot the installed system boots instead of the installer again.
            x.append("    <boot dev='hd'/>\n");
            if (c.cdrom().isPresent()) {
                x.append("    <boot dev='cdrom'/>\n");
            }
        }
        x.append("  </os>\n");
    }

    private static void devices(StringBuilder x, Config c) {
        x.append("  <devices>\n");
        x.append("    <disk type='file' device='disk'>\n");
        x.append("      <driver name='qemu' type='qcow2' cache='writeback' discard='unmap'/>\n");
        x.append("      <source file='").append(esc(c.disk().toString())).append("'/>\n");
        x.append("      <target dev='vda' bus='virtio'/>\n    </disk>\n");
        c.cdrom().ifPresent(iso -> x.append("    <disk type='file' device='cdrom'>\n")
                .append("      <driver name='qemu' type='raw'/>\n")
                .append("      <source file='").append(esc(iso.toString())).append("'/>\n")
                .append("      <target dev='hdc' bus='ide'/>\n      <readonly/>\n    </disk>\n"));
        String log = esc(c.serialLog().toString());
        x.append("    <serial type='file'>\n      <source path='").append(log).append("'/>\n")
                .append("      <target port='0'/>\n    </serial>\n");
        x.append("    <console type='file'>\n      <source path='").append(log).append("'/>\n")
                .append("      <target type='serial' port='0'/>\n    </console>\n");
        x.append("    <input type='keyboard' bus='ps2'/>\n");
        x.append("    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>\n");
        x.append("    <video><model type='vga'/></video>\n");
        x.append("  </devices>\n");
    }

    private static void commandLine(StringBuilder x, Config c) {
        StringBuilder netdev = new StringBuilder("user,id=n0,hostfwd=tcp:127.0.0.1:" + c.hostSshPort() + "-:"
                + c.guestSshPort());
        new TreeMap<>(c.forwards()).forEach((host, guest) -> netdev.append(",hostfwd=tcp:127.0.0.1:").append(host)
                .append("-:").append(guest));
        List<String> args = new ArrayList<>(List.of(
                "-netdev", netdev.toString(),
                "-device", "virtio-net-pci,netdev=n0,bus=pci.0,addr=" + NIC_PCI_ADDR));
        c.qemuArgs().forEach(args::addAll);
        x.append("  <qemu:commandline>\n");
        for (String a : args) {
            x.append("    <qemu:arg value='").append(esc(a)).append("'/>\n");
        }
        x.append("  </qemu:commandline>\n");
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '\'' -> b.append("&apos;");
                case '"' -> b.append("&quot;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
