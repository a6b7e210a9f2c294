package io.imagebuilder.glance;

import java.util.OptionalInt;

/**
 * A publish that failed. The message names the step (authenticate, create, upload, verify, ...) and, for an
 * HTTP error, the status and a summary of the body; it never contains a token or password. When it is thrown,
 * the half-made image has already been deleted (or the message says which image could not be).
 */
public class GlancePublishException extends RuntimeException {

    private final String step;
    private final String detail;
    private final int httpStatus;

    public GlancePublishException(String step, String message, int httpStatus, Throwable cause) {
        super(step + ": " + message, cause);
        this.step = step;
        this.detail = message;
        this.httpStatus = httpStatus;
    }

    public GlancePublishException(String step, String message) {
        this(step, message, -1, null);
    }

    /** The same failure with a note appended (e.g. what the cleanup did). */
    public GlancePublishException withNote(String note) {
        GlancePublishException e = new GlancePublishException(step, detail + note, httpStatus, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The step that failed: authenticate, find, create, upload, wait, verify, replace, cancelled. */
    public String step() {
        return step;
    }

    /** The HTTP status of the failed request, if the failure was an HTTP error. */
    public OptionalInt httpStatus() {
        return httpStatus < 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }
}
