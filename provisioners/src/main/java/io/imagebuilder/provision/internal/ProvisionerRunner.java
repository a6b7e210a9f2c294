package io.imagebuilder.provision.internal;

import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.provision.OutputTail;
import io.imagebuilder.provision.ProvisionerFailedException;
import io.imagebuilder.spi.GuestSession;
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
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs one provisioner with Packer's common options: {@code pause_before}, {@code timeout} (the running command
 * is stopped) and {@code max_retries}; dispatches to shell, file, or the {@link ProvisionerKind} of a custom type.
 */
public final class ProvisionerRunner {

    static final Duration RETRY_DELAY = Duration.ofSeconds(2);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "provisioner-timeout");
        t.setDaemon(true);
        return t;
    });

    private final Map<String, ProvisionerKind> kinds;

    public ProvisionerRunner(List<ProvisionerKind> kinds) {
        this.kinds = kinds.stream().collect(Collectors.toMap(ProvisionerKind::type, Function.identity(),
                (a, b) -> a));
    }

    public void run(ProvisionerSpec spec, GuestSession guest, StepContext ctx) throws Exception {
        ProvisionerKind kind = spec instanceof ProvisionerSpec.Custom c ? kind(c) : null;
        ProvisionerSpec.Common common = spec.common();
        if (!common.pauseBefore().isZero()) {
            ctx.info(spec.displayName() + ": pausing " + common.pauseBefore() + " before running");
            ctx.cancellation().sleep(common.pauseBefore());
        }
        int attempts = common.maxRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            try {
                runOnce(spec, kind, guest, ctx);
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

    private ProvisionerKind kind(ProvisionerSpec.Custom spec) throws ProvisionerFailedException {
        ProvisionerKind kind = kinds.get(spec.type());
        if (kind == null) {
            throw new ProvisionerFailedException(spec, "unknown provisioner type '" + spec.type() + "' (known: shell, "
                    + "file" + (kinds.isEmpty() ? "" : ", " + String.join(", ", kinds.keySet().stream().sorted()
                    .toList())) + ")", List.of(), null);
        }
        return kind;
    }

    /** One attempt, under a cancel flag that also fires when the build is cancelled or the timeout runs out. */
    private static void runOnce(ProvisionerSpec spec, ProvisionerKind kind, GuestSession guest, StepContext ctx)
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
            if (guest instanceof SshGuestSession ssh && !ssh.isOpen()) {
                ssh.reconnect(attemptCtx); // e.g. the previous provisioner rebooted the guest and exited 0
            }
            if (spec instanceof ProvisionerSpec.Shell s) {
                ShellProvisioner.run(s, guest, attemptCtx);
            } else if (spec instanceof ProvisionerSpec.FileUpload f) {
                FileProvisioner.run(f, guest, attemptCtx);
            } else {
                kind.run((ProvisionerSpec.Custom) spec, guest, attemptCtx);
            }
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
