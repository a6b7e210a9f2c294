package io.imagebuilder.template;

import java.util.List;

/**
 * A template cannot be used: malformed YAML, a missing variable or file, a cyclic {@code extends}, an unknown
 * provisioner type. Thrown before any VM starts; the message names every problem with its file and line.
 */
public class TemplateException extends RuntimeException {

    private final List<Problem> problems;
    private final List<String> undefinedVariables;

    public TemplateException(List<Problem> problems) {
        this(problems, List.of());
    }

    /** {@code undefinedVariables}: the distinct names still to define, summed up at the end of the message. */
    public TemplateException(List<Problem> problems, List<String> undefinedVariables) {
        super(render(problems, undefinedVariables));
        this.problems = List.copyOf(problems);
        this.undefinedVariables = List.copyOf(undefinedVariables);
    }

    public TemplateException(Location where, String message) {
        this(List.of(new Problem(where, message)));
    }

    public List<Problem> problems() {
        return problems;
    }

    /** Every variable that has no value, each once, in the order of first use. */
    public List<String> undefinedVariables() {
        return undefinedVariables;
    }

    /** One problem found in a template. */
    public record Problem(Location location, String message) {
        @Override
        public String toString() {
            return location + ": " + message;
        }
    }

    private static String render(List<Problem> problems, List<String> undefined) {
        StringBuilder sb = new StringBuilder();
        if (problems.size() == 1) {
            sb.append(problems.get(0));
        } else {
            sb.append(problems.size()).append(" problems in the template:");
            for (Problem p : problems) {
                sb.append("\n  ").append(p);
            }
        }
        if (!undefined.isEmpty()) {
            sb.append("\nvariables to define: ").append(String.join(", ", undefined));
        }
        return sb.toString();
    }
}
