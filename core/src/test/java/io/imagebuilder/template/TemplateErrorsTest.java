package io.imagebuilder.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of template error is reported before any build, with its file and line. */
class TemplateErrorsTest {

    @TempDir
    Path dir;

    private static final String DISK = "source:\n  disk:\n    image: https://example.org/base.qcow2\n";

    private TemplateException fails(String imageYml) {
        Trees.write(dir, "img/image.yml", imageYml);
        return assertThrows(TemplateException.class, () -> Trees.loader().load(dir.resolve("img")));
    }

    private Location at(int line) {
        return Location.of(dir.resolve("img/image.yml"), line);
    }

    private static void assertProblem(TemplateException e, Location where, String text) {
        assertTrue(e.problems().stream().anyMatch(p -> p.location().equals(where) && p.message().contains(text)),
                "expected '" + text + "' at " + where + " in:\n" + e.getMessage());
        assertTrue(e.getMessage().contains(where.toString()), e.getMessage());
    }

    @Test
    void malformedYamlNamesFileAndLine() {
        TemplateException e = fails(DISK + "machine:\n  cpus: [1, 2\n");
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).message().startsWith("malformed YAML"), e.getMessage());
        assertEquals(dir.resolve("img/image.yml"), e.problems().get(0).location().file());
        assertTrue(e.problems().get(0).location().line() >= 5, e.getMessage());
    }

    @Test
    void duplicateKeyIsMalformed() {
        assertProblem(fails(DISK + "machine:\n  cpus: 1\n  cpus: 2\n"), at(6), "duplicate key 'cpus'");
    }

    @Test
    void missingExtendsNamesTheLine() {
        assertProblem(fails("description: x\nextends: nope\n"), at(2), "extends 'nope', which does not exist");
    }

    @Test
    void cyclicExtendsShowsTheCycle() {
        Trees.write(dir, "a/image.yml", "extends: b\n");
        Trees.write(dir, "b/image.yml", "# b\nextends: a\n");
        TemplateException e = assertThrows(TemplateException.class, () -> Trees.loader().load(dir, "a"));
        assertProblem(e, Location.of(dir.resolve("b/image.yml"), 2), "cyclic extends: a -> b -> a");
    }

    @Test
    void badChecksumsAreErrorsAtTheirLines() {
        TemplateException e = fails("source:\n  iso:\n    url: https://example.org/d.iso\n    checksum: sha256:12ab\n");
        assertProblem(e, at(4), "'12ab' is not a sha256 checksum (64 hex digits)");
        e = fails("source:\n  iso:\n    url: https://example.org/d.iso\n    checksum: file:SHA256SUMS\n");
        assertProblem(e, at(4), "checksum file not found: " + dir.resolve("img/SHA256SUMS"));
    }

    @Test
    void environmentNamesMustBeShellNames() {
        TemplateException e = fails(DISK + "provisioners:\n  - shell:\n      inline: [env]\n"
                + "      environment: {GOOD: 1, 'BAD-NAME': 2}\n");
        assertProblem(e, at(7), "shell[1]: 'BAD-NAME' is not a shell variable name");
    }

    @Test
    void bootstrapPackagesMustBePackageNames() {
        TemplateException e = fails("source:\n  bootstrap:\n    suite: bookworm\n"
                + "    packages: [curl, 'vim; reboot']\n");
        assertProblem(e, at(4), "'vim; reboot' is not a Debian package name");
    }

    @Test
    void verifyErrorsNameTheSection() {
        assertProblem(fails(DISK + "verify:\n  owner: Joe Bloggs\n"), at(5), "verify: owner 'Joe Bloggs' is not a"
                + " Linux login name");
        assertProblem(fails(DISK + "verify:\n  screen: big\n"), at(5), "verify: screen must be WIDTHxHEIGHT");
        assertProblem(fails(DISK + "verify:\n  desktop: false\n"), at(5), "nothing to verify");
    }

    @Test
    void unknownProvisionerTypeIsAnError() {
        TemplateException e = fails(DISK + "provisioners:\n  - shell: {inline: [true]}\n  - ansible:\n"
                + "      playbook: site.yml\n");
        assertProblem(e, at(6), "unknown provisioner type 'ansible' (known: file, shell)");
    }

    @Test
    void missingFilesAreErrorsAtTheirLines() {
        Trees.write(dir, "img/boot/vmlinuz", "k");
        TemplateException e = fails("source:\n  kernel:\n    kernel: boot/vmlinuz\n    initrd: boot/initrd.gz\n"
                + "http:\n  directory: www\n"
                + "provisioners:\n  - shell:\n      script: scripts/missing.sh\n"
                + "  - file:\n      source: system/etc/\n      destination: /etc\n");
        assertProblem(e, at(4), "initrd not found");
        assertProblem(e, at(6), "http directory not found");
        assertProblem(e, at(9), "script not found: " + dir.resolve("img/scripts/missing.sh"));
        assertProblem(e, at(11), "file not found");
        assertEquals(4, e.problems().size(), e.getMessage());
    }

    @Test
    void missingLocalDiskImageIsAnError() {
        assertProblem(fails("source:\n  disk:\n    image: ../images/base.qcow2\n"), at(3), "disk image not found");
    }

    @Test
    void badValuesAreErrorsAtTheirLines() {
        TemplateException e = fails(DISK + "machine:\n  memory: lots\n  cpus: two\nssh:\n  timeout: soon\n"
                + "output:\n  format: vmdk\n");
        assertProblem(e, at(5), "machine.memory: 'lots' is not a size");
        assertProblem(e, at(6), "machine.cpus: 'two' is not a whole number");
        assertProblem(e, at(8), "ssh.timeout: 'soon' is not a duration");
        assertProblem(e, at(10), "unknown format 'vmdk'");
        assertProblem(fails(DISK + "publish:\n  visibility: everyone\n"), at(5),
                "publish.visibility: 'everyone' is not one of public, private, shared, community");
    }

    @Test
    void sourceNeedsExactlyOneKind() {
        assertProblem(fails("source:\n  iso: {url: http://x/a.iso}\n  disk: {image: http://x/b.qcow2}\n"), at(2),
                "source needs exactly one of iso, kernel, disk, bootstrap, found iso and disk");
        assertProblem(fails("description: nothing\n"), at(1), "no source");
    }

    @Test
    void unknownKeysAreWarningsNotErrors() {
        Trees.write(dir, "img/image.yml", DISK + "machine:\n  cpu: 2\nprovisioner:\n  - shell: {inline: [x]}\n");
        TemplateChain chain = Trees.loader().load(dir.resolve("img"));
        assertEquals(List.of(new TemplateWarning(at(5), "unknown key 'cpu' in machine (ignored)"),
                new TemplateWarning(at(6), "unknown key 'provisioner' in image.yml (ignored)")), chain.warnings());
        assertEquals(Machine.defaults(), chain.target().machine());
    }

    @Test
    void oneErrorListsEveryUndefinedVariableWithEachUse() throws IOException {
        Path root = Trees.resource("packme-visa");
        TemplateException e = assertThrows(TemplateException.class,
                () -> TemplateLoader.create().environment(Map.of()).load(root, "visa-apps"));
        Set<String> messages = e.problems().stream().map(TemplateException.Problem::message)
                .collect(Collectors.toSet());
        assertEquals(Set.of("undefined variable 'root_password' (set it with --var root_password=...,"
                + " VISA_ROOT_PASSWORD or environment.yml)"), messages);
        Path base = root.resolve("templates/system-base");
        assertProblem(e, lineOf(base.resolve("manifest.yml"), "ssh_password: \"{{ root_password }}\""), "root_pass");
        // packme serves http/preseed.cfg as it is: its {{ root_password }} is not packme's to fill in
        for (String child : List.of("visa-base", "visa-apps")) {
            Path manifest = root.resolve("templates/" + child + "/manifest.yml");
            assertProblem(e, lineOf(manifest, "ssh_password:"), "root_password");
        }
        assertEquals(3, e.problems().size(), e.getMessage());
        assertEquals(List.of("root_password"), e.undefinedVariables(), "each name once, however often it is used");
        assertTrue(e.getMessage().startsWith("3 problems in the template:"), e.getMessage());
    }

    @Test
    void severalUndefinedVariablesAreAllListed() {
        TemplateException e = fails(DISK + "description: \"{{ first }} and {{ second }}\"\n"
                + "shutdown:\n  command: |\n    sync\n    poweroff --{{ third }}\n");
        assertProblem(e, at(4), "undefined variable 'first'");
        assertProblem(e, at(4), "undefined variable 'second'");
        assertProblem(e, at(8), "undefined variable 'third'");
        assertEquals(3, e.problems().size(), e.getMessage());
        assertEquals(List.of("first", "second", "third"), e.undefinedVariables());
        assertTrue(e.getMessage().endsWith("\nvariables to define: first, second, third"), e.getMessage());
    }

    @Test
    void errorsNeverShowSecretValues() {
        TemplateException e = assertThrows(TemplateException.class, () -> Trees.loader()
                .loadYaml(DISK + "ssh:\n  password: \"{{ root_password }}\"\n  port: \"{{ undefined_port }}\"\n",
                        dir));
        assertFalse(e.getMessage().contains("s3cret-root-pw"), e.getMessage());
        assertProblem(e, Location.of(dir.resolve("<yaml>"), 6), "undefined variable 'undefined_port'");
    }

    @Test
    void aSecretRenderedIntoAFieldThatFailsItsCheckIsMaskedInTheError() {
        TemplateException e = assertThrows(TemplateException.class, () -> Trees.loader()
                .variables(Map.of("root_password", "S3cr3t!x"))
                .loadYaml(DISK + "ssh:\n  port: \"{{ root_password }}\"\n", dir));
        assertFalse(e.getMessage().contains("S3cr3t!x"), e.getMessage());
        assertProblem(e, Location.of(dir.resolve("<yaml>"), 5), "'" + Secret.MASK + "' is not a whole number");
    }

    @Test
    void theSecretsOfAChainIncludeAProxyUrlsPassword() {
        TemplateChain chain = Trees.loader().variables(Map.of("http_proxy", "http://site:pr0xy-pw@proxy:3128"))
                .loadYaml(DISK + "description: \"via {{ http_proxy }}\"\n", dir);
        assertTrue(chain.secrets().contains(Secret.of("pr0xy-pw")), chain.secrets().toString());
    }

    @Test
    void overlappingSecretsAreMaskedWhole() {
        TemplateException e = assertThrows(TemplateException.class, () -> Trees.loader()
                .variables(Map.of("root_password", "abc", "db_password", "abc-extra"))
                .loadYaml(DISK + "description: \"{{ root_password }}\"\nssh:\n  port: \"{{ db_password }}\"\n", dir));
        assertFalse(e.getMessage().contains("extra"), e.getMessage());
    }

    @Test
    void aFileUploadFromOutsideTheTemplateRepositoryIsWarnedAbout() {
        Trees.write(dir, "repo/.git/HEAD", "ref: refs/heads/main\n");
        Path outside = Trees.write(dir, "elsewhere/secret.txt", "x");
        Trees.write(dir, "repo/img/image.yml", DISK + "provisioners:\n  - file: {source: " + outside
                + ", destination: /tmp/x}\n  - file: {source: ../../elsewhere/secret.txt, destination: /tmp/y}\n"
                + "  - file: {source: ../img/image.yml, destination: /tmp/z}\n");
        TemplateChain chain = Trees.loader().load(dir.resolve("repo/img"));
        List<String> warned = chain.warnings().stream().map(TemplateWarning::message).toList();
        assertEquals(2, warned.size(), warned.toString());
        assertTrue(warned.stream().allMatch(w -> w.contains("source " + outside + " is outside the template"
                + " repository " + dir.resolve("repo"))), warned.toString());
    }

    static Location lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return Location.of(file, i + 1);
            }
        }
        throw new AssertionError(text + " not in " + file);
    }
}
