package io.imagebuilder.template;

import java.util.List;

/**
 * A template cannot be used: malformed YAML, a missing variable or file, a cyclic {@code extends}, an unknown
 * provisioner type. Thrown before any VM starts; the message names every problem with its file and line.
 */
public class TemplateException extends RuntimeException {

    private final List<Problem> problems;

    public TemplateException(List<Problem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public TemplateException(Location where, String message) {
        this(List.of(new Problem(where, message)));
    }

    public List<Problem> problems() {
        return problems;
    }

    /** One problem found in a template. */
    public record Problem(Location location, String message) {
        @Override
        public String toString() {
            return location + ": " + message;
        }
    }

    private static String render(List<Problem> problems) {
        if (problems.size() == 1) {
            return problems.get(0).toString();
        }
        StringBuilder sb = new StringBuilder(problems.size() + " problems in the template:");
        for (Problem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
