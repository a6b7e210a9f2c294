package io.imagebuilder.internal.provision;

import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.OutputTail;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerFailedException;
import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.ProvisionerSpec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Finds what runs a provisioner (shell, file, or the {@link ProvisionerKind} of its type) and wraps it in
 * Packer's common options: {@code pause_before}, {@code timeout} (the running command is stopped) and
 * {@code max_retries}. The guest session it runs in may be SSH or any other.
 */
public final class Provisioners {

    static final Duration RETRY_DELAY = Duration.ofSeconds(2);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "provisioner-timeout");
        t.setDaemon(true);
        return t;
    });

    /** One provisioner, ready to run in a guest session. */
    @FunctionalInterface
    public interface Provisioner {
        void run(GuestSession guest, StepContext ctx) throws Exception;
    }

    private Provisioners() {
    }

    /** Runs {@code spec} with the kinds on the class path (for callers without a build around them). */
    public static void run(ProvisionerSpec spec, GuestSession guest, StepContext ctx) throws Exception {
        of(spec, ProvisionerKind.onClassPath()).run(guest, ctx);
    }

    /** What runs {@code spec}, found once; a custom type no kind provides fails when it runs. */
    public static Provisioner of(ProvisionerSpec spec, Map<String, ProvisionerKind> kinds) {
        Provisioner once;
        if (spec instanceof ProvisionerSpec.Shell s) {
            once = (guest, ctx) -> ShellProvisioner.run(s, guest, ctx);
        } else if (spec instanceof ProvisionerSpec.FileUpload f) {
            once = (guest, ctx) -> FileProvisioner.run(f, guest, ctx);
        } else {
            ProvisionerSpec.Custom c = (ProvisionerSpec.Custom) spec;
            ProvisionerKind kind = kinds.get(c.type());
            if (kind == null) {
                return unknown(c, kinds); // fails at once: no pause, no retries
            }
            once = (guest, ctx) -> kind.run(c, guest, ctx);
        }
        return (guest, ctx) -> withCommonOptions(spec, once, guest, ctx);
    }

    private static Provisioner unknown(ProvisionerSpec.Custom spec, Map<String, ProvisionerKind> kinds) {
        String known = "shell, file" + (kinds.isEmpty() ? "" : ", " + String.join(", ", kinds.keySet().stream()
                .sorted().toList()));
        return (guest, ctx) -> {
            throw new ProvisionerFailedException(spec, "unknown provisioner type '" + spec.type() + "' (known: "
                    + known + ")", List.of(), null);
        };
    }

    private static void withCommonOptions(ProvisionerSpec spec, Provisioner once, GuestSession guest,
                                          StepContext ctx) throws Exception {
        ProvisionerSpec.Common common = spec.common();
        if (!common.pauseBefore().isZero()) {
            ctx.info(spec.displayName() + ": pausing " + common.pauseBefore() + " before running");
            ctx.cancellation().sleep(common.pauseBefore());
        }
        int attempts = common.maxRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            try {
                runOnce(spec, once, guest, ctx);
                return;
            } catch (CancellationException e) {
                throw e; // the build was cancelled: no retry
            } catch (Exception e) {
                if (attempt >= attempts) {
                    throw e;
                }
                ctx.warn(spec.displayName() + " failed (attempt " + attempt + " of " + attempts + "), retrying: "
                        + e.getMessage());
                ctx.cancellation().sleep(RETRY_DELAY);
            }
        }
    }

    /** One attempt, under a cancel flag that also fires when the build is cancelled or the timeout runs out. */
    private static void runOnce(ProvisionerSpec spec, Provisioner once, GuestSession guest, StepContext ctx)
            throws Exception {
        Cancellation attemptFlag = new Cancellation();
        AtomicBoolean timedOut = new AtomicBoolean();
        Cancellation build = ctx.cancellation();
        Optional<Duration> timeout = spec.common().timeout();
        long deadline = timeout.map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
        ScheduledFuture<?> watch = WATCHDOG.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() >= deadline) {
                timedOut.set(true);
                attemptFlag.cancel();
            } else if (build.isCancelled()) {
                attemptFlag.cancel();
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        OutputTail tail = OutputTail.lastLines();
        StepContext attemptCtx = OutputTail.capture(ctx.withCancellation(attemptFlag), tail);
        try {
            if (!guest.isOpen()) {
                guest.reconnect(attemptCtx); // e.g. the previous provisioner rebooted the guest and exited 0
            }
            once.run(guest, attemptCtx);
        } catch (CancellationException e) {
            if (timedOut.get()) {
                throw new ProvisionerFailedException(spec, "timed out after " + timeout.orElseThrow()
                        + " (timeout); the running command was stopped", tail.lines(), e);
            }
            throw e;
        } finally {
            watch.cancel(false);
        }
    }
}
