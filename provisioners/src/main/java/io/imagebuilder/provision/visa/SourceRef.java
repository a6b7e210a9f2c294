package io.imagebuilder.provision.visa;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where a source tree comes from: a URL the guest downloads (through the proxy), a local tarball or folder
 * uploaded from the build host, or a git repository the guest clones.
 */
public sealed interface SourceRef {

    /** An archive downloaded by the guest with curl or wget. */
    record Url(String url) implements SourceRef {
        @Override
        public String toString() {
            return url;
        }
    }

    /** A tarball or folder on the build host, uploaded to the guest. */
    record Local(Path path) implements SourceRef {
        @Override
        public String toString() {
            return path.toString();
        }
    }

    /** A git repository cloned by the guest; {@code ref} (branch or tag) may be empty for the default branch. */
    record Git(String url, String ref) implements SourceRef {
        @Override
        public String toString() {
            return url;
        }
    }

    /**
     * Source shipped inside this module (a resource folder next to the provisioners), uploaded to the guest:
     * {@code source: builtin}.
     */
    record Builtin(String resourceDir, List<String> files) implements SourceRef {
        public static final String KEYWORD = "builtin";

        public Builtin {
            files = List.copyOf(files);
        }

        @Override
        public String toString() {
            return KEYWORD;
        }
    }

    /**
     * Reads {@code text}: {@code git+https://...}, {@code git://...}, {@code git@...} or a URL ending in
     * {@code .git} is a repository; another http(s)/ftp URL an archive; anything else a local path.
     */
    static SourceRef parse(OptionReader r, String key, String text, String gitRef) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("git+")) {
            return new Git(text.substring(4), gitRef);
        }
        if (lower.startsWith("git://") || lower.startsWith("git@") || lower.endsWith(".git")) {
            return new Git(text, gitRef);
        }
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("ftp://")) {
            return new Url(text);
        }
        if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw r.fail(key, "has an unsupported URL scheme: " + text + " (use http, https, ftp or git)");
        }
        return new Local(r.resolve(text));
    }
}
