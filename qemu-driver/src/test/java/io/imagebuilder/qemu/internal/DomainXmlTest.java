package io.imagebuilder.qemu.internal;

import io.imagebuilder.spi.MachineSpec;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DomainXmlTest {

    private static DomainXml.Config config(String type, Optional<Path> cdrom, Optional<MachineSpec.KernelBoot> kernel,
                                           List<List<String>> qemuArgs) {
        return new DomainXml.Config("ib-test-1", type, 2, 768, Path.of("/w/disk & co.qcow2"), cdrom, kernel,
                Path.of("/w/serial.log"), 2345, 22, qemuArgs);
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String xpath(Document d, String expr) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(expr, d);
    }

    private static List<String> qemuArgs(Document d) {
        NodeList args = d.getElementsByTagNameNS("http://libvirt.org/schemas/domain/qemu/1.0", "arg");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.getLength(); i++) {
            out.add(((Element) args.item(i)).getAttribute("value"));
        }
        return out;
    }

    @Test
    void tcgDomainWithKernelBootAndPortForward() throws Exception {
        var kernel = new MachineSpec.KernelBoot(Path.of("/k/linux"), Path.of("/k/initrd.gz"),
                "auto=true url=http://10.0.2.2:8000/preseed.cfg console=ttyS0");
        Document d = parse(DomainXml.of(config("qemu", Optional.empty(), Optional.of(kernel), List.of())));
        assertEquals("qemu", xpath(d, "/domain/@type"));
        assertEquals("ib-test-1", xpath(d, "/domain/name"));
        assertEquals("2", xpath(d, "/domain/vcpu"));
        assertEquals("768", xpath(d, "/domain/memory"));
        assertEquals("MiB", xpath(d, "/domain/memory/@unit"));
        assertEquals("1", xpath(d, "count(/domain/features/acpi)"));
        assertEquals("1", xpath(d, "count(/domain/features/apic)"));
        assertEquals("/k/linux", xpath(d, "/domain/os/kernel"));
        assertEquals("/k/initrd.gz", xpath(d, "/domain/os/initrd"));
        assertEquals(kernel.commandLine(), xpath(d, "/domain/os/cmdline"));
        assertEquals("0", xpath(d, "count(/domain/os/boot)"));
        assertEquals("/w/disk & co.qcow2", xpath(d, "/domain/devices/disk[@device='disk']/source/@file"));
        assertEquals("qcow2", xpath(d, "/domain/devices/disk[@device='disk']/driver/@type"));
        assertEquals("virtio", xpath(d, "/domain/devices/disk[@device='disk']/target/@bus"));
        assertEquals("0", xpath(d, "count(/domain/devices/disk[@device='cdrom'])"));
        assertEquals("/w/serial.log", xpath(d, "/domain/devices/serial[@type='file']/source/@path"));
        assertEquals("/w/serial.log", xpath(d, "/domain/devices/console[@type='file']/source/@path"));
        assertEquals("127.0.0.1", xpath(d, "/domain/devices/graphics[@type='vnc']/@listen"));
        assertEquals("yes", xpath(d, "/domain/devices/graphics[@type='vnc']/@autoport"));
        assertEquals(List.of("-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:2345-:22",
                "-device", "virtio-net-pci,netdev=n0,bus=pci.0,addr=0x10"), qemuArgs(d));
        assertEquals("0", xpath(d, "count(/domain/cpu)"));
    }

    @Test
    void kvmDomainWithIsoBootsDiskThenCdromAndAppendsQemuArgs() throws Exception {
        Document d = parse(DomainXml.of(config("kvm", Optional.of(Path.of("/iso/debian's.iso")), Optional.empty(),
                List.of(List.of("-smbios", "type=1,serial=x"), List.of("-no-reboot")))));
        assertEquals("kvm", xpath(d, "/domain/@type"));
        assertEquals("host-passthrough", xpath(d, "/domain/cpu/@mode"));
        assertEquals("/iso/debian's.iso", xpath(d, "/domain/devices/disk[@device='cdrom']/source/@file"));
        assertEquals("1", xpath(d, "count(/domain/devices/disk[@device='cdrom']/readonly)"));
        assertEquals("hd", xpath(d, "/domain/os/boot[1]/@dev"));
        assertEquals("cdrom", xpath(d, "/domain/os/boot[2]/@dev"));
        assertEquals("0", xpath(d, "count(/domain/os/kernel)"));
        List<String> args = qemuArgs(d);
        assertEquals(List.of("-smbios", "type=1,serial=x", "-no-reboot"), args.subList(4, args.size()));
    }

    @Test
    void diskOnlyDomainBootsFromDisk() throws Exception {
        Document d = parse(DomainXml.of(config("qemu", Optional.empty(), Optional.empty(), List.of())));
        assertEquals("1", xpath(d, "count(/domain/os/boot)"));
        assertEquals("hd", xpath(d, "/domain/os/boot/@dev"));
        assertTrue((Double) XPathFactory.newInstance().newXPath()
                .evaluate("count(/domain/devices/*)", d, XPathConstants.NUMBER) >= 5);
    }
}
