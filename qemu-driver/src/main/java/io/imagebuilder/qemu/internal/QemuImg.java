package io.imagebuilder.qemu.internal;

import io.imagebuilder.pipeline.Cancellation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code qemu-img}; a cancelled build kills the running command. */
public final class QemuImg {

    private static final Pattern PROGRESS = Pattern.compile("\\((\\d+(?:\\.\\d+)?)/100%\\)");

    private final String executable;
    private final Cancellation cancellation;

    public QemuImg(Cancellation cancellation) {
        this("qemu-img", cancellation);
    }

    QemuImg(String executable, Cancellation cancellation) {
        this.executable = executable;
        this.cancellation = cancellation;
    }

    public QemuImgInfo info(Path image) throws IOException {
        return QemuImgInfo.parse(image, run(List.of("info", "--output=json", image.toString()), null));
    }

    /** {@code qemu-img map} of an image with its backing chain, range by range. */
    public List<QemuImgMap.Range> map(Path image) throws IOException {
        return QemuImgMap.parse(image, run(List.of("map", "--output=json", image.toString()), null));
    }

    /**
     * Runs {@code qemu-img ARGS}; returns what it printed on stdout (its warnings on stderr go into a failure's
     * message only, never into JSON being parsed). With {@code progress} set, {@code -p} output is parsed and
     * each percentage passed on.
     */
    public String run(List<String> args, DoubleConsumer progress) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable);
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new IOException("cannot run qemu-img (install qemu-utils): " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        Thread outReader = reader(p.getInputStream(), out, progress);
        Thread errReader = reader(p.getErrorStream(), err, null);
        try {
            while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (cancellation.isCancelled()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw new CancellationException("build cancelled while running qemu-img " + args.get(0));
                }
            }
            outReader.join(5000);
            errReader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while running qemu-img " + args.get(0));
        }
        String text = text(out);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
                    + (text(err) + "\n" + PROGRESS.matcher(text).replaceAll("")).strip());
        }
        return text;
    }

    private static Thread reader(InputStream in, StringBuilder into, DoubleConsumer progress) {
        Thread reader = new Thread(() -> read(in, into, progress), "qemu-img-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private static String text(StringBuilder b) {
        synchronized (b) {
            return b.toString();
        }
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
