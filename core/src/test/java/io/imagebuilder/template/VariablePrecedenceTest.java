package io.imagebuilder.template;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each variable source beats the one below it: parents' defaults, own defaults, environment files (parents'
 * then own), --var-file files, environment variables, explicit values. Variable {@code vN} is set in source N
 * and N-1, so each assertion fails if one step of the order is wrong.
 */
class VariablePrecedenceTest {

    @TempDir
    Path dir;

    private Path varFile;

    @BeforeEach
    void tree() {
        Trees.write(dir, "parent/image.yml", "source:\n  bootstrap: {suite: bookworm}\n"
                + "variables:\n  v1: parent-default\n  v2: parent-default\n");
        Trees.write(dir, "parent/environment.yml", "v3: parent-env-file\n  \nv4: parent-env-file\n");
        Trees.write(dir, "child/image.yml", "extends: parent\n"
                + "description: \"{{ v1 }} {{ v2 }} {{ v3 }} {{ v4 }} {{ v5 }} {{ v6 }} {{ v7 }} {{ v8 }} {{ v9 }}\"\n"
                + "variables:\n  v2: child-default\n  v3: child-default\n  v9: \"{{ v1 }}+{{ v2 }}\"\n");
        Trees.write(dir, "child/environment.yml", "v4: child-env-file\nv5: child-env-file\n");
        varFile = Trees.write(dir, "vars.yml", "v5: var-file\nv6: var-file\n");
    }

    private TemplateChain load(Map<String, String> env, Map<String, String> explicit) {
        return TemplateLoader.create().environment(env).variables(explicit).variableFiles(List.of(varFile))
                .load(dir, "child");
    }

    @Test
    void eachSourceBeatsTheOneBelow() {
        TemplateChain chain = load(Map.of("VISA_V6", "env", "VISA_V7", "env", "v8", "exact-env", "V1", "ignored"),
                Map.of("v7", "explicit"));
        assertEquals("parent-default child-default parent-env-file child-env-file var-file env explicit exact-env"
                + " parent-default+child-default", chain.target().description());
        assertEquals(Map.of("v1", "parent-default", "v2", "child-default", "v3", "parent-env-file",
                "v4", "child-env-file", "v5", "var-file", "v6", "env", "v7", "explicit", "v8", "exact-env",
                "v9", "parent-default+child-default"), chain.target().variables());
    }

    @Test
    void theParentStageSeesOnlyItsOwnSources() {
        TemplateChain chain = load(Map.of(), Map.of("v7", "x", "v8", "y", "v6", "z"));
        assertEquals(Map.of("v1", "parent-default", "v2", "parent-default", "v3", "parent-env-file",
                "v4", "parent-env-file", "v5", "var-file", "v6", "z"), chain.stages().get(0).variables(),
                "v7 and v8, given but used by no template of the stage, are not its variables");
    }

    @Test
    void loaderIsImmutable() {
        TemplateLoader base = TemplateLoader.create().environment(Map.of()).variableFiles(List.of(varFile));
        TemplateLoader withVars = base.variables(Map.of("v6", "explicit", "v7", "a", "v8", "b"));
        assertEquals("var-file", withVars.environment(Map.of("v7", "c", "v8", "d")).variables(Map.of("v7", "e",
                "v8", "f")).load(dir, "child").target().variables().get("v6"));
        assertEquals("explicit", withVars.load(dir, "child").target().variables().get("v6"));
    }
}
