package io.imagebuilder.template.internal;

import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.Secret;
import io.imagebuilder.template.TemplateException;
import io.imagebuilder.template.TemplateWarning;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects every error and warning of a load, so the user gets all of them at once. */
public final class Problems {

    private final Set<TemplateException.Problem> errors = new LinkedHashSet<>();
    private final Set<TemplateWarning> warnings = new LinkedHashSet<>();
    private final Set<String> undefined = new LinkedHashSet<>();

    public void error(Location at, String message) {
        errors.add(new TemplateException.Problem(at, message));
    }

    /** A use of a variable nobody defined: an error at the use, and the name in the summary. */
    public void undefined(Location at, String name, String message) {
        error(at, message);
        undefined.add(name);
    }

    public void add(TemplateException e) {
        errors.addAll(e.problems());
        undefined.addAll(e.undefinedVariables());
    }

    public void warn(Location at, String message) {
        warnings.add(new TemplateWarning(at, message));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public int errorCount() {
        return errors.size();
    }

    public List<TemplateWarning> warnings() {
        return List.copyOf(warnings);
    }

    public void throwIfAny() {
        throwIfAny(List.of());
    }

    /** Throws every error found, with the values of {@code secrets} masked wherever a message quotes them. */
    public void throwIfAny(Collection<Secret> secrets) {
        if (!errors.isEmpty()) {
            SecretMasker masker = masker(secrets);
            List<TemplateException.Problem> masked = errors.stream().map(p -> new TemplateException.Problem(
                    p.location(), masker.mask(p.message()))).distinct().toList();
            throw new TemplateException(masked, new ArrayList<>(undefined));
        }
    }

    /** The warnings, with secrets masked as in {@link #throwIfAny(Collection)}. */
    public List<TemplateWarning> warnings(Collection<Secret> secrets) {
        SecretMasker masker = masker(secrets);
        return warnings.stream().map(w -> new TemplateWarning(w.location(), masker.mask(w.message()))).toList();
    }

    private static SecretMasker masker(Collection<Secret> secrets) {
        SecretMasker masker = new SecretMasker(); // longest first: a secret inside another is not half-masked
        secrets.forEach(masker::add);
        return masker;
    }
}
