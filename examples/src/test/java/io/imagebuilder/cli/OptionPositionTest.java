package io.imagebuilder.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every option of a build given before {@code plan} or {@code validate} reaches it exactly as after it; options
 * a subcommand does not have are refused with exit 2 instead of being dropped.
 */
class OptionPositionTest {

    /** A value each option accepts, by its longest name; flags take none. */
    private static List<String> use(OptionSpec o) {
        String name = o.longestName();
        if (o.arity().max() == 0) {
            return List.of(name);
        }
        String value = switch (name) {
            case "--on-error" -> "abort";
            case "--accelerator" -> "tcg";
            case "--var" -> "greeting=hello";
            default -> "value-of" + name;
        };
        return List.of(name, value);
    }

    private static TemplateOptions effective(String subcommand, List<String> args) {
        CommandLine cli = new CommandLine(new BuildImage());
        CommandLine.ParseResult root = cli.parseArgs(args.toArray(String[]::new));
        BuildImage.applyOptionsGivenBefore(root);
        Object sub = root.subcommand().commandSpec().userObject();
        return sub instanceof BuildImage.Plan p ? p.options : ((BuildImage.Validate) sub).options;
    }

    private static String describe(TemplateOptions o) throws IllegalAccessException {
        StringBuilder b = new StringBuilder();
        for (Field f : TemplateOptions.class.getDeclaredFields()) {
            if (!java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                b.append(f.getName()).append('=').append(f.get(o)).append(';');
            }
        }
        return b.toString();
    }

    @Test
    void everyTemplateOptionWorksBeforeAndAfterPlanAndValidate() throws Exception {
        CommandLine plan = new CommandLine(new BuildImage()).getSubcommands().get("plan");
        List<String> checked = new ArrayList<>();
        for (String subcommand : List.of("plan", "validate")) {
            String untouched = describe(effective(subcommand, List.of(subcommand)));
            for (OptionSpec o : plan.getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                List<String> before = new ArrayList<>(use(o));
                before.add(subcommand);
                List<String> after = new ArrayList<>(List.of(subcommand));
                after.addAll(use(o));
                String viaBefore = describe(effective(subcommand, before));
                assertNotEquals(untouched, viaBefore, o.longestName() + " before " + subcommand + " was dropped");
                assertEquals(describe(effective(subcommand, after)), viaBefore, o.longestName());
                checked.add(o.longestName());
            }
        }
        long declared = java.util.Arrays.stream(TemplateOptions.class.getDeclaredFields())
                .filter(f -> f.isAnnotationPresent(CommandLine.Option.class)).count();
        assertEquals(2 * declared, checked.size(), "every option of TemplateOptions, for both subcommands: "
                + checked);
    }

    @Test
    void repeatableOptionsAddUpAcrossBothPositions() throws Exception {
        TemplateOptions o = effective("plan", List.of("--var", "a=1", "--var-file", "x.yml", "plan", "--var", "b=2",
                "--var-file", "y.yml"));
        assertEquals("{a=1, b=2}", o.vars.toString());
        assertEquals("[x.yml, y.yml]", o.varFiles.toString());
    }

    @Test
    void anOptionTheSubcommandDoesNotHaveIsRefusedNotDropped() {
        Function<String[], String> run = args -> {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream old = System.err;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                return BuildImage.run(args) + " " + err.toString(StandardCharsets.UTF_8);
            } finally {
                System.setErr(old);
            }
        };
        String publishBeforePlan = run.apply(new String[] {"--publish", "plan"});
        assertTrue(publishBeforePlan.startsWith("2 --publish does not apply to build-image plan"), publishBeforePlan);
        String verboseBeforeValidate = run.apply(new String[] {"-v", "validate"});
        assertTrue(verboseBeforeValidate.startsWith("2 --verbose does not apply"), verboseBeforeValidate);
        String templatesBeforePublish = run.apply(new String[] {"--templates", "t", "publish", "f", "n"});
        assertTrue(templatesBeforePublish.startsWith("2 --templates does not apply to build-image publish"),
                templatesBeforePublish);
        String twice = run.apply(new String[] {"--only", "a", "plan", "--only", "b"});
        assertTrue(twice.startsWith("2 --only is given twice"), twice);
    }

    @Test
    void osCloudBeforePublishReachesPublish() {
        CommandLine.ParseResult root = new CommandLine(new BuildImage()).parseArgs("--os-cloud", "site", "publish",
                "f", "n");
        BuildImage.applyOptionsGivenBefore(root);
        assertEquals("site", ((PublishCommand) root.subcommand().commandSpec().userObject()).osCloud);
    }
}
