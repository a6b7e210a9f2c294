package io.imagebuilder.qemu.internal;

import io.imagebuilder.pipeline.Cancellation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code qemu-img}; a cancelled build kills the running command. */
public final class QemuImg {

    /** What {@code qemu-img info} says about an image. */
    public record Info(String format, long virtualSize, Optional<String> backingFile) {
    }

    private static final Pattern PROGRESS = Pattern.compile("\\((\\d+(?:\\.\\d+)?)/100%\\)");
    private static final Pattern FORMAT = Pattern.compile("\"format\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SIZE = Pattern.compile("\"virtual-size\"\\s*:\\s*(\\d+)");
    private static final Pattern BACKING = Pattern.compile("\"backing-filename\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String executable;
    private final Cancellation cancellation;

    public QemuImg(Cancellation cancellation) {
        this("qemu-img", cancellation);
    }

    QemuImg(String executable, Cancellation cancellation) {
        this.executable = executable;
        this.cancellation = cancellation;
    }

    public Info info(Path image) throws IOException {
        // Without --backing-chain the first object is the image itself.
        String json = run(List.of("info", "--output=json", image.toString()), null);
        Matcher f = FORMAT.matcher(json);
        Matcher s = SIZE.matcher(json);
        if (!f.find() || !s.find()) {
            throw new IOException("qemu-img info " + image + ": unexpected output: " + json);
        }
        Matcher b = BACKING.matcher(json);
        return new Info(f.group(1), Long.parseLong(s.group(1)),
                b.find() ? Optional.of(b.group(1).replace("\\\"", "\"").replace("\\\\", "\\")) : Optional.empty());
    }

    /**
     * Runs {@code qemu-img ARGS}; returns its output. With {@code progress} set, {@code -p} output is parsed
     * and each percentage passed on.
     */
    public String run(List<String> args, DoubleConsumer progress) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable);
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run qemu-img (install qemu-utils): " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> read(p.getInputStream(), out, progress), "qemu-img-output");
        reader.setDaemon(true);
        reader.start();
        try {
            while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (cancellation.isCancelled()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw new CancellationException("build cancelled while running qemu-img " + args.get(0));
                }
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while running qemu-img " + args.get(0));
        }
        String text;
        synchronized (out) {
            text = out.toString();
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
                    + PROGRESS.matcher(text).replaceAll("").strip());
        }
        return text;
    }

    /** Reads output split on CR and LF (qemu-img -p rewrites one line with CR). */
    private static void read(InputStream in, StringBuilder out, DoubleConsumer progress) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (in) {
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\r' || b == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    Matcher m = PROGRESS.matcher(s);
                    if (progress != null && m.find()) {
                        progress.accept(Double.parseDouble(m.group(1)));
                    } else if (!s.isBlank()) {
                        synchronized (out) {
                            out.append(s).append('\n');
                        }
                    }
                } else {
                    line.write(b);
                }
            }
            synchronized (out) {
                out.append(line.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the process was killed: its exit status tells the story
        }
    }
}
