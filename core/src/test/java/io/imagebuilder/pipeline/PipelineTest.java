package io.imagebuilder.pipeline;

import io.imagebuilder.BuildCancelledException;
import io.imagebuilder.BuildEvent;
import io.imagebuilder.ImageBuildException;
import io.imagebuilder.OnError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineTest {

    @TempDir
    Path work;

    private final List<String> trace = new CopyOnWriteArrayList<>();
    private final List<BuildEvent> events = new CopyOnWriteArrayList<>();
    private final Cancellation cancellation = new Cancellation();

    private StepContext ctx() {
        return new StepContext("img", work, events::add, cancellation, new SecretMasker());
    }

    private Step step(String name, Runnable body, Runnable cleanup) {
        return new Step() {
            public String name() { return name; }
            public void run(StepContext c) { trace.add("run " + name); body.run(); }
            public void cleanup(StepContext c) { trace.add("cleanup " + name); cleanup.run(); }
        };
    }

    private Step ok(String name) {
        return step(name, () -> { }, () -> { });
    }

    @Test
    void runsInOrderThenCleansUpInReverseAndTimesEachStep() {
        List<StepTiming> timings = new Pipeline(List.of(ok("a"), ok("b"), ok("c"))).run(ctx(), OnError.CLEANUP);
        assertEquals(List.of("run a", "run b", "run c", "cleanup c", "cleanup b", "cleanup a"), trace);
        assertEquals(List.of("a", "b", "c"), timings.stream().map(StepTiming::step).toList());
        assertTrue(events.get(0) instanceof BuildEvent.StepStarted s && s.step().equals("a"));
        assertEquals(3, events.stream().filter(e -> e instanceof BuildEvent.StepFinished).count());
    }

    @Test
    void failureCleansUpStepsThatRanIncludingTheFailedOneAndReportsCleanupFailures() {
        Step failing = step("boom", () -> { throw new IllegalStateException("disk full"); }, () -> { });
        Step badCleanup = step("b", () -> { }, () -> { throw new IllegalStateException("undefine failed"); });
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> new Pipeline(List.of(ok("a"), badCleanup, failing, ok("never"))).run(ctx(), OnError.CLEANUP));
        assertEquals(List.of("run a", "run b", "run boom", "cleanup boom", "cleanup b", "cleanup a"), trace);
        assertEquals("boom", e.step());
        assertEquals("img", e.stage());
        assertTrue(e.getMessage().contains("step 'boom'") && e.getMessage().contains("disk full"), e.getMessage());
        assertEquals(1, e.getSuppressed().length, "the cleanup failure is attached");
        assertTrue(events.stream().anyMatch(ev -> ev instanceof BuildEvent.CleanupFailed cf && cf.step().equals("b")));
        assertTrue(events.stream().anyMatch(ev -> ev instanceof BuildEvent.StepFailed sf && sf.step().equals("boom")));
    }

    @Test
    void abortKeepsEverythingAndSaysWhat() {
        Step failing = step("boom", () -> { throw new IllegalStateException("x"); }, () -> { });
        Step http = new Step() {
            public String name() { return "http-server"; }
            public void run(StepContext c) { trace.add("run http-server"); }
            public void cleanup(StepContext c) { trace.add("cleanup http-server"); }
            public boolean cleansUpOnAbort() { return true; }
        };
        assertThrows(ImageBuildException.class,
                () -> new Pipeline(List.of(ok("start-vm"), http, failing)).run(ctx(), OnError.ABORT));
        assertEquals(List.of("run start-vm", "run http-server", "run boom", "cleanup http-server"), trace,
                "the VM stays for debugging; the in-process HTTP server does not");
        assertTrue(events.stream().anyMatch(ev -> ev instanceof BuildEvent.Message m
                && m.text().contains("cleanup skipped") && m.text().contains("start-vm")), events.toString());
    }

    @Test
    void cancellationFromAnotherThreadStopsTheBuildAndStillCleansUp() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Step slow = new Step() {
            public String name() { return "wait-for-ssh"; }
            public void run(StepContext c) { running.countDown(); c.cancellation().sleep(Duration.ofMinutes(5)); }
            public void cleanup(StepContext c) {
                c.cancellation().sleep(Duration.ofMillis(10)); // a cleanup may wait, e.g. for a VM to stop
                trace.add("cleanup wait-for-ssh");
            }
        };
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                new Pipeline(List.of(ok("start-vm"), slow, ok("never"))).run(ctx(), OnError.ABORT);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        running.await();
        cancellation.cancel();
        t.join(10_000);
        BuildCancelledException e = assertInstanceOf(BuildCancelledException.class, thrown.get());
        assertEquals("wait-for-ssh", e.step());
        // even with on-error=abort a cancelled build leaves nothing behind
        assertEquals(List.of("run start-vm", "cleanup wait-for-ssh", "cleanup start-vm"), trace);
    }

    @Test
    void interruptingTheBuildThreadCancelsIt() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Step slow = new Step() {
            public String name() { return "slow"; }
            public void run(StepContext c) throws InterruptedException { running.countDown(); Thread.sleep(60_000); }
        };
        List<Throwable> thrown = new ArrayList<>();
        Thread t = new Thread(() -> {
            try {
                new Pipeline(List.of(slow)).run(ctx(), OnError.CLEANUP);
            } catch (Throwable e) {
                thrown.add(e);
            }
        });
        t.start();
        running.await();
        t.interrupt();
        t.join(10_000);
        assertInstanceOf(BuildCancelledException.class, thrown.get(0));
    }

    @Test
    void masksSecretsInMessagesAndTypedStateWorks() {
        SecretMasker masker = new SecretMasker();
        masker.add("hunter22");
        StepContext c = new StepContext("img", work, events::add, cancellation, masker);
        c.info("password is hunter22");
        assertEquals("password is ********", ((BuildEvent.Message) events.get(0)).text());
        Key<Integer> port = Key.of("ssh-port", Integer.class);
        assertTrue(c.get(port).isEmpty());
        c.put(port, 2222);
        assertEquals(2222, c.require(port));
        assertThrows(java.util.NoSuchElementException.class, () -> c.require(Key.of("vm", String.class)));
    }
}
