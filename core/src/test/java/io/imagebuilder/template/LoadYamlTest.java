package io.imagebuilder.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** loadYaml: every section of our layout, checked against the same template built in Java. */
class LoadYamlTest {

    @TempDir
    Path dir;

    private static final String FULL = """
            name: debian-netboot
            description: Debian {{ suite | default('bookworm') }} from the netboot installer
            variables:
              suite: trixie
              api_token: t0ken-value
            source:
              kernel:
                kernel: netboot/linux
                initrd: netboot/initrd.gz
                cmdline: "auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg"
            boot:
              command: "<wait>{# typed after boot #}<enter>"
              wait: 1m30s
              key_interval: 50ms
            machine:
              cpus: 2
              memory: 1G
              disk_size: 8192
              accelerator: auto
              headless: false
              qemu_args: ["-no-reboot"]
            ssh:
              username: debian
              password: "{% raw %}{{ literally }}{% endraw %}"
              private_key: keys/id_ed25519
              port: 2222
              timeout: 30m
              temporary_key: yes
            provisioners:
              - type: shell
                inline: ["echo {{ suite }}", "n=${#list[@]}"]
                execute_command: "sudo sh -c '{{ .Vars }} {{ .Path }}'"
            shutdown:
              command: sudo poweroff
              timeout: 2m
            output:
              format: qcow2
              compression: zstd
              compact: false
            publish:
              name: debian-{{ suite }}
              visibility: public
              min_disk: 8
              min_ram: 1024
              protected: true
              properties:
                os_distro: debian
                hw_qemu_guest_agent: "yes"
              tags: [visa, "{{ suite }}"]
              on_conflict: replace
            """;

    @Test
    void yamlEqualsTheSameTemplateBuiltInJava() {
        Trees.write(dir, "netboot/linux", "kernel");
        Trees.write(dir, "netboot/initrd.gz", "initrd");
        Trees.write(dir, "keys/id_ed25519", "key");
        TemplateChain chain = Trees.loader().loadYaml(FULL, dir);
        assertEquals(List.of(), chain.warnings());

        ImageTemplate expected = ImageTemplate.builder("debian-netboot")
                .location(Location.of(dir.resolve("<yaml>"), 1))
                .description("Debian trixie from the netboot installer")
                .source(new Source.Kernel(dir.resolve("netboot/linux"), dir.resolve("netboot/initrd.gz"),
                        "auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg", Optional.empty(),
                        new Source.Boot("<wait><enter>", Duration.ofSeconds(90), Duration.ofMillis(50))))
                .machine(new Machine(2, 1024, 8192, Accelerator.AUTO, false, List.of(List.of("-no-reboot"))))
                .communicator(new Communicator("debian", Optional.of(Secret.of("{{ literally }}")),
                        Optional.of(dir.resolve("keys/id_ed25519")), 2222, Duration.ofMinutes(30), true))
                .provisioner(new ProvisionerSpec.Shell(Location.of(dir.resolve("<yaml>"), 30), "shell[1]",
                        List.of("echo trixie", "n=${#list[@]}"), List.of(), Map.of(), "sudo sh -c '{{ .Vars }} {{ .Path }}'", false,
                        ProvisionerSpec.Common.defaults()))
                .shutdown(new Shutdown(Optional.of("sudo poweroff"), Duration.ofMinutes(2)))
                .output(new Output(Output.Format.QCOW2, Output.Compression.ZSTD, false))
                .publish(new Publish("debian-trixie", Publish.Visibility.PUBLIC, 8, 1024, "qcow2", "bare", true,
                        Map.of("os_distro", "debian", "hw_qemu_guest_agent", "yes"), List.of("visa", "trixie"),
                        Publish.OnConflict.REPLACE))
                .variable("suite", "trixie")
                .variable("api_token", Secret.MASK)
                .build();
        assertEquals(expected, chain.target());
        assertEquals(1, chain.stages().size());
    }

    @Test
    void nameDefaultsToTheFolderAndBootCommandMayBeAString() {
        Path folder = dir.resolve("my-image");
        ImageTemplate t = Trees.loader().loadYaml("""
                source:
                  iso: {url: "https://example.org/d.iso"}
                boot:
                  command: "<esc> auto <enter>"
                """, folder).target();
        assertEquals("my-image", t.name());
        assertEquals(new Source.Boot("<esc> auto <enter>", Source.Boot.PACKER_BOOT_WAIT,
                Source.Boot.PACKER_KEY_INTERVAL), t.source().boot());
        assertEquals(Communicator.defaults(), t.communicator());
        assertEquals(Optional.empty(), t.publish());
    }

    @Test
    void bootstrapSourceAndPublishDefaults() {
        ImageTemplate t = Trees.loader().loadYaml("""
                source:
                  bootstrap:
                    suite: bookworm
                    proxy: http://proxy:3142
                    packages: [openssh-server, linux-image-amd64]
                output: {format: raw}
                publish: {}
                """, dir.resolve("bs")).target();
        assertEquals(new Source.Bootstrap("bookworm", "http://deb.debian.org/debian",
                Optional.of("http://proxy:3142"), List.of("openssh-server", "linux-image-amd64")), t.source());
        Publish p = t.publish().orElseThrow();
        assertEquals("bs", p.imageName());
        assertEquals("raw", p.diskFormat());
    }

    @Test
    void verifySectionWithDefaults() {
        ImageTemplate t = Trees.loader().loadYaml("""
                source: {bootstrap: {suite: trixie}}
                verify:
                  owner: joebloggs
                  desktop: false
                  jupyterlab: true
                  kernels: [python3]
                  screen: 1920x1080
                  boot_command: /opt/visa/boot.sh
                """, dir.resolve("lab")).target();
        assertEquals(Optional.of(new Verify("joebloggs", false, true, List.of("python3"), 1920, 1080,
                "en-gb-qwerty", Optional.of("/opt/visa/boot.sh"), java.time.Duration.ofMinutes(20))), t.verify());
        assertEquals(Optional.of(Verify.ofDesktop()), Trees.loader().loadYaml(
                "source: {bootstrap: {suite: trixie}}\nverify: {}\n", dir.resolve("d")).target().verify());
    }

    @Test
    void inheritedSectionsMergeKeyByKey() {
        Trees.write(dir, "parent/image.yml", "source: {bootstrap: {suite: bookworm}}\n"
                + "machine: {cpus: 2, memory: 2G}\nssh: {username: admin, password: pw1}\n"
                + "provisioners:\n  - shell: {inline: [parent-only]}\n");
        TemplateChain chain = Trees.loader().loadYaml("extends: parent\nmachine: {memory: 4096}\n",
                dir.resolve("child"));
        ImageTemplate child = chain.target();
        assertEquals(2, child.machine().cpus());
        assertEquals(4096, child.machine().memoryMb());
        assertEquals("admin", child.communicator().username());
        assertEquals(new Source.Parent("parent"), child.source());
        assertEquals(List.of(), child.provisioners(), "the child runs on the parent's disk: no provisioners again");
        assertEquals(1, chain.stages().get(0).provisioners().size());
    }

    @Test
    void yamlAnchorsAndMergeKeysWork() {
        TemplateChain chain = Trees.loader().loadYaml("""
                x-machine: &machine {cpus: 2, memory: 1024}
                source: {bootstrap: {suite: bookworm}}
                machine:
                  <<: *machine
                  memory: 2048
                """, dir);
        ImageTemplate t = chain.target();
        assertEquals(List.of(), chain.warnings(), "x- keys hold anchors and are not warned about");
        assertEquals(2, t.machine().cpus());
        assertEquals(2048, t.machine().memoryMb());
    }

    @Test
    void jinjaStatementsWorkAndAnUndefinedNameInThemIsAnErrorWithItsLine() {
        String yaml = "source: {bootstrap: {suite: bookworm}}\ndescription: x\nshutdown:\n"
                + "  command: \"{% if a is defined and a %}poweroff{% endif %}{% if b %} -f{% endif %}\"\n";
        TemplateException e = assertThrows(TemplateException.class, () -> Trees.loader().loadYaml(yaml, dir));
        assertTrue(e.getMessage().contains("<yaml>:4: undefined variable 'b'"), e.getMessage());
        assertEquals(List.of("b"), e.undefinedVariables(), "'is defined' guards a");
        ImageTemplate t = Trees.loader().variables(Map.of("a", "yes", "b", "")).loadYaml(yaml, dir).target();
        assertEquals(Optional.of("poweroff"), t.shutdown().command());
    }
}
