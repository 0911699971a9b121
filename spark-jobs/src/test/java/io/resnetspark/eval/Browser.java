package io.resnetspark.eval;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** Opens a page in headless Chromium (as a person would, in a browser) and measures the screenshot. */
public final class Browser {
    public record Shot(int width, int height, int distinctColours, double nonWhiteShare, int heatHighPixels) {
    }

    private Browser() {
    }

    public static Shot screenshot(Path html, Path dir) throws IOException, InterruptedException {
        Path png = dir.resolve("shot.png");
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> cmd = List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1200,2000",
                html.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within 120 s");
        }
        File f = png.toFile();
        if (!f.isFile()) {
            throw new IllegalStateException("chromium wrote no screenshot: " + Files.readString(dir.resolve("chromium.log")));
        }
        BufferedImage img = ImageIO.read(f);
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        int heat = 0;
        Color high = Charts.HEAT_HIGH;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (r < 245 || g < 245 || b < 245) {
                    nonWhite++;
                }
                if (Math.abs(r - high.getRed()) + Math.abs(g - high.getGreen()) + Math.abs(b - high.getBlue()) < 30) {
                    heat++;
                }
            }
        }
        return new Shot(img.getWidth(), img.getHeight(), colours.size(),
                (double) nonWhite / ((long) img.getWidth() * img.getHeight()), heat);
    }
}
