package io.resnetspark.storage;

import io.resnetspark.common.Secrets;
import io.resnetspark.common.UserError;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes through Hadoop's FileSystem API, so one code path serves file://, hdfs:// and
 * s3a://. A directory output is committed by writing {@link #SUCCESS} last; a file is committed by
 * writing it beside its final name and renaming (a single PUT on S3, so readers never see half a file).
 */
public final class Storage {
    public static final String SUCCESS = "_SUCCESS";

    private final Configuration hadoop;

    public Storage(Configuration hadoop) {
        this.hadoop = hadoop;
    }

    public Configuration hadoop() {
        return hadoop;
    }

    /** A Hadoop path; bare local paths become absolute file: URIs. */
    public static Path path(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new UserError("an empty path was given");
        }
        URI u = URI.create(uri.replace(" ", "%20"));
        if (u.getScheme() == null) {
            return new Path(new java.io.File(uri).getAbsoluteFile().toURI());
        }
        return new Path(uri);
    }

    public FileSystem fs(Path p) {
        try {
            return p.getFileSystem(hadoop);
        } catch (IOException e) {
            throw new UserError("cannot open the file system of " + p + ": " + e.getMessage(), e);
        }
    }

    public boolean exists(Path p) {
        try {
            return fs(p).exists(p);
        } catch (IOException e) {
            throw unreachable(p, e);
        }
    }

    public boolean committed(Path dir) {
        return exists(new Path(dir, SUCCESS));
    }

    public void markCommitted(Path dir) {
        writeBytes(new Path(dir, SUCCESS), new byte[0]);
    }

    public void delete(Path p) {
        try {
            fs(p).delete(p, true);
        } catch (IOException e) {
            throw unreachable(p, e);
        }
    }

    public void mkdirs(Path p) {
        try {
            fs(p).mkdirs(p);
        } catch (IOException e) {
            throw unreachable(p, e);
        }
    }

    public InputStream open(Path p) {
        try {
            return fs(p).open(p);
        } catch (FileNotFoundException e) {
            throw new UserError(p + " does not exist");
        } catch (IOException e) {
            throw unreachable(p, e);
        }
    }

    public byte[] readBytes(Path p) {
        try (InputStream in = open(p)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw unreachable(p, e);
        }
    }

    public String readString(Path p) {
        return new String(readBytes(p), StandardCharsets.UTF_8);
    }

    /** Writes a whole file; on object stores the upload completes or nothing is visible. */
    public void writeBytes(Path p, byte[] data) {
        write(p, out -> out.write(data));
    }

    public void writeString(Path p, String text) {
        writeBytes(p, text.getBytes(StandardCharsets.UTF_8));
    }

    /** What a writer does with the stream it is given. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes to a temporary sibling and renames it into place, so that a crash never leaves a file
     * under its final name that is not complete.
     */
    public void write(Path p, Writer writer) {
        Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp-" + Long.toHexString(System.nanoTime()));
        FileSystem fs = fs(p);
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                writer.write(out);
            }
            if (fs.exists(p)) {
                fs.delete(p, false);
            }
            if (!fs.rename(tmp, p)) {
                throw new IOException("rename of " + tmp + " to " + p + " failed");
            }
        } catch (IOException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the original failure is the one worth reporting
            }
            throw unreachable(p, e);
        }
    }

    /**
     * Plain files directly under a directory, sorted by name; empty when the directory does not exist.
     * Hidden files (names starting with '.' or '_': Hadoop's checksums, markers, our temporary files)
     * are left out, as Hadoop's own input formats do.
     */
    public List<FileStatus> listFiles(Path dir) {
        try {
            FileSystem fs = fs(dir);
            if (!fs.exists(dir)) {
                return List.of();
            }
            List<FileStatus> out = new ArrayList<>();
            for (FileStatus s : fs.listStatus(dir)) {
                String name = s.getPath().getName();
                if (s.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                    out.add(s);
                }
            }
            out.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
            return out;
        } catch (IOException e) {
            throw unreachable(dir, e);
        }
    }

    /**
     * Removes the temporary siblings {@link #write} leaves when it is cut short (on S3 a rename is a copy
     * and a delete, and the delete can be the step that fails). Only for directories one job owns.
     */
    public int deleteTemporaries(Path dir) {
        try {
            FileSystem fs = fs(dir);
            if (!fs.exists(dir)) {
                return 0;
            }
            int n = 0;
            for (FileStatus s : fs.listStatus(dir)) {
                String name = s.getPath().getName();
                if (s.isFile() && name.startsWith(".") && name.contains(".tmp-")) {
                    fs.delete(s.getPath(), false);
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw unreachable(dir, e);
        }
    }

    public void copy(Path from, Path to) {
        write(to, out -> {
            try (InputStream in = open(from)) {
                in.transferTo(out);
            }
        });
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String sha256(Path p) {
        try (InputStream in = open(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw unreachable(p, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One sentence for an I/O failure: what, where, and Hadoop's reason without its stack. */
    public static UserError unreachable(Path p, Exception e) {
        return new UserError(Secrets.redact(explain(p, e)), e);
    }

    /**
     * One sentence for a failed storage call. The usual causes (no credentials, endpoint down, access
     * refused) are named with what to check; anything else keeps the first line of its message without
     * Java class names, which S3A and the AWS SDK repeat at every level of wrapping.
     */
    static String explain(Path p, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String msg = t.getMessage() == null ? "" : t.getMessage();
            if (t.getClass().getSimpleName().equals("NoAuthWithAWSException") || msg.contains("No AWS Credentials")) {
                return "no credentials to access " + p + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an AWS"
                        + " credentials file or instance role, or fs.s3a.access.key and fs.s3a.secret.key through a"
                        + " Hadoop credential provider";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof java.net.SocketTimeoutException
                    || t.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                String why = t instanceof UnknownHostException ? "unknown host " + t.getMessage()
                        : firstLine(t);
                String retries = "s3a".equals(p.toUri().getScheme()) ? " after the retries s3.attempts and "
                        + "s3.retry-interval allow" : "";
                return "cannot reach the storage holding " + p + " (" + why + ")" + retries + "; check the endpoint"
                        + " (s3.endpoint) and the network, then rerun the same command";
            }
            if (t instanceof java.nio.file.AccessDeniedException) {
                return "access to " + p + " was refused (403 Forbidden): check the credentials and the permissions"
                        + " on the bucket";
            }
        }
        return "I/O failed on " + p + ": " + firstLine(e);
    }

    private static final java.util.regex.Pattern CLASS_NAME =
            java.util.regex.Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

    private static String firstLine(Throwable e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = reason.indexOf('\n');
        if (nl > 0) {
            reason = reason.substring(0, nl);
        }
        reason = CLASS_NAME.matcher(reason).replaceAll("");
        // "a: b: b" -> "a: b" (each wrapper repeats its cause's message)
        List<String> parts = new ArrayList<>();
        for (String part : reason.split(": ")) {
            if (!parts.contains(part.strip())) {
                parts.add(part.strip());
            }
        }
        return String.join(": ", parts);
    }

    public static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }

    /**
     * Removes what an interrupted run left in {@code dir}, but only when everything there is a file this
     * stage writes (or one of their temporaries): a mistyped output path must never delete someone's data.
     */
    public void clearLeftovers(Path dir, String what, List<String> ours) {
        if (!exists(dir)) {
            return;
        }
        try {
            FileSystem fs = fs(dir);
            if (!fs.getFileStatus(dir).isDirectory()) {
                throw new UserError(dir + " is a file, not a directory for the " + what);
            }
            for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dir)) {
                String name = st.getPath().getName();
                boolean mine = ours.contains(name) || name.equals(SUCCESS) || name.startsWith("_")
                        || (name.startsWith(".") && name.contains(".tmp-"));
                if (!mine) {
                    throw new UserError(dir + " already holds " + name + ", which is not part of an " + what
                            + "; choose a new or empty directory");
                }
            }
        } catch (IOException e) {
            throw unreachable(dir, e);
        }
        delete(dir);
    }
}
