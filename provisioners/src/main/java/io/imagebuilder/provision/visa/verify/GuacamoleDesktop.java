package io.imagebuilder.provision.visa.verify;

import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.io.GuacamoleWriter;
import org.apache.guacamole.net.GuacamoleSocket;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleInstruction;

import javax.imageio.ImageIO;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A Guacamole RDP session opened the way VISA's backend opens it (guacamole-common, guacd inside the instance,
 * protocol rdp to the instance's own address, the owner and a signed token, PNG frames only). It echoes every
 * {@code sync} as a browser would and draws the default layer from {@code img}, {@code copy} and
 * {@code rect}/{@code cfill}, which is what guacd sends for an RDP desktop.
 */
final class GuacamoleDesktop implements AutoCloseable {

    /** The parameters VISA's backend sets for an RDP connection. */
    record Connection(String guacdHost, int guacdPort, String rdpHost, String owner, String token, int width,
                      int height, String keyboardLayout) {
        @Override
        public String toString() { // the token is a password
            return "rdp://" + owner + "@" + rdpHost + ":3389 via guacd " + guacdHost + ":" + guacdPort;
        }
    }

    /** What the session saw: the drawn screen, how many frames, and an error guacd reported. */
    record Seen(BufferedImage screen, int frames, int images, Optional<String> error) {}

    private final GuacamoleSocket socket;
    private BufferedImage screen;
    private final Map<String, Stream> streams = new HashMap<>();
    private final Map<String, Rectangle> paths = new HashMap<>();
    private int frames;
    private int images;
    private String error;

    private record Stream(String layer, int x, int y, ByteArrayOutputStream data) {}

    private GuacamoleDesktop(GuacamoleSocket socket, int width, int height) {
        this.socket = socket;
        this.screen = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }

    static GuacamoleDesktop open(Connection c) throws GuacamoleException {
        GuacamoleConfiguration config = new GuacamoleConfiguration();
        config.setProtocol("rdp");
        config.setParameter("hostname", c.rdpHost());
        config.setParameter("port", "3389");
        config.setParameter("username", c.owner());
        config.setParameter("password", c.token());
        config.setParameter("server-layout", c.keyboardLayout());
        config.setParameter("ignore-cert", "true");
        config.setParameter("color-depth", "16");
        GuacamoleClientInformation info = new GuacamoleClientInformation();
        info.setOptimalScreenWidth(c.width());
        info.setOptimalScreenHeight(c.height());
        info.getImageMimetypes().add("image/png");
        GuacamoleSocket socket = new ConfiguredGuacamoleSocket(new InetGuacamoleSocket(c.guacdHost(), c.guacdPort()),
                config, info);
        return new GuacamoleDesktop(socket, c.width(), c.height());
    }

    /**
     * Follows the session until {@code done} says so (asked about once a second), {@code limit} passes, or
     * guacd ends it.
     */
    Seen follow(Duration limit, BooleanSupplier done) throws GuacamoleException, IOException {
        GuacamoleReader reader = socket.getReader();
        GuacamoleWriter writer = socket.getWriter();
        long end = System.nanoTime() + limit.toNanos();
        long nextAsk = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end && error == null) {
            GuacamoleInstruction in = reader.readInstruction();
            if (in == null) {
                break; // guacd closed the connection
            }
            if (!handle(in, writer)) {
                break;
            }
            if (System.nanoTime() >= nextAsk) {
                if (done.getAsBoolean()) {
                    break;
                }
                nextAsk = System.nanoTime() + 1_000_000_000L;
            }
        }
        return new Seen(screen, frames, images, Optional.ofNullable(error));
    }

    /** False when the session ended. */
    private boolean handle(GuacamoleInstruction in, GuacamoleWriter writer) throws GuacamoleException, IOException {
        List<String> a = in.getArgs();
        switch (in.getOpcode()) {
            case "sync" -> {
                frames++;
                writer.writeInstruction(new GuacamoleInstruction("sync", a.get(0)));
            }
            case "size" -> {
                if (a.get(0).equals("0")) {
                    resize(Integer.parseInt(a.get(1)), Integer.parseInt(a.get(2)));
                }
            }
            case "img" -> streams.put(a.get(0), new Stream(a.get(2), Integer.parseInt(a.get(4)),
                    Integer.parseInt(a.get(5)), new ByteArrayOutputStream()));
            case "blob" -> {
                Stream s = streams.get(a.get(0));
                if (s != null) {
                    s.data().writeBytes(Base64.getDecoder().decode(a.get(1)));
                }
            }
            case "end" -> {
                Stream s = streams.remove(a.get(0));
                if (s != null && s.layer().equals("0")) {
                    draw(s);
                }
            }
            case "copy" -> {
                if (a.get(0).equals("0") && a.get(6).equals("0")) {
                    copy(a);
                }
            }
            case "rect" -> paths.put(a.get(0), new Rectangle(Integer.parseInt(a.get(1)), Integer.parseInt(a.get(2)),
                    Integer.parseInt(a.get(3)), Integer.parseInt(a.get(4))));
            case "cfill" -> fill(a);
            case "error" -> error = a.get(0) + " (status " + (a.size() > 1 ? a.get(1) : "?") + ")";
            case "disconnect" -> {
                return false;
            }
            default -> {
                // cursor, mouse, audio, name, nop...: not needed to see the desktop
            }
        }
        return true;
    }

    private void resize(int width, int height) {
        if (width == screen.getWidth() && height == screen.getHeight()) {
            return;
        }
        BufferedImage bigger = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = bigger.createGraphics();
        g.drawImage(screen, 0, 0, null);
        g.dispose();
        screen = bigger;
    }

    private void draw(Stream s) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(s.data().toByteArray()));
        if (img == null) {
            throw new IOException("guacd sent an image that is not a PNG");
        }
        images++;
        Graphics2D g = screen.createGraphics();
        g.setComposite(AlphaComposite.SrcOver);
        g.drawImage(img, s.x(), s.y(), null);
        g.dispose();
    }

    private void copy(List<String> a) {
        int sx = Integer.parseInt(a.get(1));
        int sy = Integer.parseInt(a.get(2));
        int w = Integer.parseInt(a.get(3));
        int h = Integer.parseInt(a.get(4));
        int dx = Integer.parseInt(a.get(7));
        int dy = Integer.parseInt(a.get(8));
        Graphics2D g = screen.createGraphics();
        g.copyArea(sx, sy, w, h, dx - sx, dy - sy);
        g.dispose();
    }

    private void fill(List<String> a) {
        Rectangle r = paths.remove(a.get(1));
        if (r == null || !a.get(1).equals("0")) {
            return;
        }
        Graphics2D g = screen.createGraphics();
        g.setColor(new Color(Integer.parseInt(a.get(2)), Integer.parseInt(a.get(3)), Integer.parseInt(a.get(4))));
        g.fill(r);
        g.dispose();
    }

    /** How many distinct colours the screen has: a blank (or single-colour) screen has one. */
    static int colours(BufferedImage screen) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < screen.getHeight(); y += 2) {
            for (int x = 0; x < screen.getWidth(); x += 2) {
                seen.add(screen.getRGB(x, y));
                if (seen.size() > 1000) {
                    return seen.size();
                }
            }
        }
        return seen.size();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (GuacamoleException e) {
            // the session is over either way
        }
    }
}
