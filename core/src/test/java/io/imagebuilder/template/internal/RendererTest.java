package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;
import io.imagebuilder.template.TemplateException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RendererTest {

    private static final Location AT = Location.of(Path.of("/t/manifest.yml"), 10);
    private final Problems problems = new Problems();
    private final Renderer.Vars vars = name -> Optional.ofNullable(Map.of("a", "A", "blank", "", "n", "5", "words", "x y").get(name));

    private String jinja(String text) {
        return new Renderer(vars, null).render(text, AT, problems);
    }

    @Test
    void variablesDefaultsAndComments() {
        assertEquals("A-A--x-y-3", jinja("{{a}}-{{ a | default('z') }}-{{ blank }}-{{ nope | default('x') }}"
                + "-{{ nope|d(\"y\") }}-{{ nope | default(3) }}{# gone #}"));
        assertTrue(!problems.hasErrors(), problems.toString());
    }

    @Test
    void jinjaAsPackmeHasIt() {
        assertEquals("a|x_y|6|A|A-5|yes|[x][y]|7|A!|${#arr[@]}", jinja("{{ a | lower }}|{{ words | replace(' ', '_') }}"
                + "|{{ n | int + 1 }}|{{ nope | default(a) }}|{{ a ~ '-' ~ n }}"
                + "|{% if n == '5' %}yes{% else %}no{% endif %}|{% for w in words.split(' ') %}[{{ w }}]{% endfor %}"
                + "|{% set seven = 7 %}{{ seven }}|{{ a }}  {{- '!' }}|${#arr[@]}"));
        assertTrue(!problems.hasErrors(), problems.toString());
    }

    @Test
    void packmesOlderFormReadsTheSameValuesThroughParametersAndEnvironment() {
        Renderer scope = new Renderer(new VariableScope(java.util.List.of(Map.of("disk", YNode.YScalar.of("10G", AT))),
                Map.of("HOME", "/root"), Map.of(), problems), null);
        assertEquals("10G /root", scope.render("{{ parameters.disk }} {{ environment.HOME }}", AT, problems));
        scope.render("{{ environment.NOPE }}", AT, problems);
        TemplateException e = assertThrows(TemplateException.class, problems::throwIfAny);
        assertEquals(List.of("NOPE"), e.undefinedVariables());
    }

    @Test
    void rawBlocksAndPackerValuesStayAsWritten() {
        assertEquals("{{ a }} {{ .HTTPIP }}:{{ .HTTPPort }} {{ .Name }} A",
                jinja("{%- raw -%}{{ a }}{%- endraw %} {{ .HTTPIP }}:{{ .HTTPPort }} {{ .Name }} {{ a }}"));
    }

    @Test
    void packerUserVariablesResolveAfterJinja() {
        Renderer packme = new Renderer(vars, name -> Optional.ofNullable(Map.of("u", "from-packer").get(name)));
        assertEquals("from-packer A", packme.render("{% raw %}{{ user `u` }}{% endraw %} {{ a }}", AT, problems));
        assertEquals("A", new Renderer(vars, null).render("{{ user `a` }}", AT, problems),
                "in our layout {{ user `x` }} is a plain variable");
    }

    @Test
    void undefinedVariablesAreReportedOnTheirOwnLine() {
        jinja("first line\nsecond {{ x }}\n\nfourth {{ y }} {{ a }}");
        TemplateException e = assertThrows(TemplateException.class, problems::throwIfAny);
        assertEquals(List.of(Location.of(AT.file(), 11), Location.of(AT.file(), 13)),
                e.problems().stream().map(TemplateException.Problem::location).toList());
    }

    @Test
    void anUndefinedNameInsideALargerExpressionIsReportedButAGuardedOneIsNot() {
        jinja("a {{ nope1 | int }}\nb {{ 'x' ~ nope2 }}\nc {{ nope3 | upper }}\nd {% if nope4 == 'y' %}y{% endif %}\n"
                + "e {% if guarded is defined %}{{ guarded }}{% endif %} {{ other | default(a) }}");
        TemplateException e = assertThrows(TemplateException.class, problems::throwIfAny);
        assertEquals(List.of("nope1", "nope2", "nope3", "nope4"), e.undefinedVariables().stream().sorted().toList(),
                e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.location().line() == 12
                && p.message().contains("'nope3'")), e.getMessage());
    }

    @Test
    void linesAfterAMultiLineRawBlockAreStillCountedAsWritten() {
        jinja("{% raw %}one\ntwo\nthree{% endraw %}\n{{ undefined_here }}");
        TemplateException e = assertThrows(TemplateException.class, problems::throwIfAny);
        assertEquals(List.of(Location.of(AT.file(), 13)),
                e.problems().stream().map(TemplateException.Problem::location).toList());
    }

    @Test
    void rendersFromManyThreadsAtOnce() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String n = String.valueOf(i);
                results.add(pool.submit(() -> new Renderer(name -> Optional.of(name.equals("n") ? n : "A"), null)
                        .render("{% set x = n | int %}{{ x * 2 }}-{{ a | lower }}", AT, new Problems())));
            }
            for (int i = 0; i < 200; i++) {
                assertEquals((2 * i) + "-a", results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void malformedTemplatesAreErrors() {
        jinja("{% raw %} no end");
        jinja("{{ a");
        jinja("{{ a | no_such_filter }}");
        TemplateException e = assertThrows(TemplateException.class, problems::throwIfAny);
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("{% raw %} without {% endraw %}"), e.getMessage());
        assertTrue(e.getMessage().contains("Unclosed token"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown filter, function or expression 'a | no_such_filter'"),
                e.getMessage());
    }
}
