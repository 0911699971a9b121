package io.resnetspark.cli;

import io.resnetspark.common.Secrets;
import io.resnetspark.common.UserError;
import io.resnetspark.config.JobConfig;
import io.resnetspark.model.ModelFileException;
import io.resnetspark.model.ModelOptionException;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one entry point: {@code resnet-spark <command> [--conf FILE] [--set key=value ...] [flags]}.
 * Bad input of any kind ends in one sentence on stderr and a non-zero exit; the stack trace is shown
 * only with {@code --debug}.
 */
public final class Main {
    public static final int USAGE = 2;
    public static final int FAILED = 1;

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        // in the order a user meets them
        List<Command> all = new ArrayList<>(StageCommand.all());
        all.add(all.size() - 1, new BenchmarkCommand());
        all.add(all.size() - 1, new SummaryCommand());
        for (Command c : all) {
            COMMANDS.put(c.name(), c);
        }
    }

    public static void main(String[] args) {
        int code = run(args, System.err);
        System.exit(code);
    }

    /** Runs a command line; returns the exit code (tests call this directly). */
    public static int run(String[] args, PrintStream err) {
        boolean debug = List.of(args).contains("--debug");
        try {
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
                err.print(usage());
                return args.length == 0 ? USAGE : 0;
            }
            Command cmd = COMMANDS.get(args[0]);
            if (cmd == null) {
                throw new UserError("unknown command '" + args[0] + "'; commands: " + String.join(", ", COMMANDS.keySet()));
            }
            Invocation inv = parse(cmd, args, debug);
            if (inv == null) {
                err.print(help(cmd));
                return 0;
            }
            return cmd.run(inv);
        } catch (UserError | ModelOptionException | ModelFileException e) {
            report(err, e, debug);
            return USAGE;
        } catch (Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                if (root instanceof UserError) {
                    break;
                }
                root = root.getCause();
            }
            if (root instanceof UserError || root instanceof ModelFileException) {
                report(err, root, debug);
                return USAGE;
            }
            err.println("error: " + Secrets.redact(t.getClass().getSimpleName() + ": " + t.getMessage()));
            if (debug) {
                t.printStackTrace(err);
            } else {
                err.println("(run again with --debug for the stack trace)");
            }
            return FAILED;
        }
    }

    private static void report(PrintStream err, Throwable e, boolean debug) {
        err.println("error: " + Secrets.redact(e.getMessage()));
        if (debug) {
            e.printStackTrace(err);
        }
    }

    static Invocation parse(Command cmd, String[] args, boolean debug) {
        File conf = null;
        List<String> sets = new ArrayList<>();
        Map<String, String> flags = new LinkedHashMap<>();
        Map<String, String> local = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UserError("unexpected argument '" + a + "' for " + cmd.name() + "; flags start with --");
            }
            String name = a.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("help")) {
                return null;
            }
            if (name.equals("debug")) {
                continue;
            }
            if (cmd.switches().containsKey(name)) {
                put(cmd.switches().get(name), name, inline == null ? "true" : inline, flags, local);
                continue;
            }
            if (!name.equals("conf") && !name.equals("set") && !cmd.flags().containsKey(name)) {
                throw new UserError("unknown option --" + name + " for " + cmd.name() + "; options: " + options(cmd));
            }
            String value = inline;
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UserError("option --" + name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "conf" -> conf = new File(value);
                case "set" -> sets.add(value);
                default -> put(cmd.flags().get(name), name, value, flags, local);
            }
        }
        JobConfig config = JobConfig.load(conf, sets, flags);
        return new Invocation(config, local, debug);
    }

    private static void put(String key, String flag, String value, Map<String, String> flags, Map<String, String> local) {
        if (key.isEmpty()) {
            local.put(flag, value);
        } else {
            flags.put(key, value);
        }
    }

    private static String options(Command cmd) {
        List<String> all = new ArrayList<>();
        all.add("--conf FILE");
        all.add("--set key=value");
        new TreeMap<>(cmd.flags()).keySet().forEach(f -> all.add("--" + f));
        new TreeMap<>(cmd.switches()).keySet().forEach(f -> all.add("--" + f));
        all.add("--debug");
        return String.join(", ", all);
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("usage: resnet-spark <command> [--conf FILE] [--set key=value ...] [flags]\n\ncommands:\n");
        COMMANDS.values().forEach(c -> sb.append(String.format("  %-10s %s%n", c.name(), c.summary())));
        sb.append("\n'resnet-spark <command> --help' lists a command's flags; conf/defaults.conf documents every key.\n");
        return sb.toString();
    }

    static String help(Command c) {
        StringBuilder sb = new StringBuilder("usage: resnet-spark " + c.name() + " [options]\n  " + c.summary() + "\n\noptions:\n");
        sb.append("  --conf FILE          HOCON configuration file\n");
        sb.append("  --set key=value      override one configuration key (repeatable)\n");
        new TreeMap<>(c.flags()).forEach((f, k) -> sb.append(String.format("  --%-18s %s%n", f + " V",
                k.isEmpty() ? "" : "sets " + k)));
        new TreeMap<>(c.switches()).forEach((f, k) -> sb.append(String.format("  --%-18s %s%n", f,
                k.isEmpty() ? "" : "sets " + k + " = true")));
        sb.append("  --debug              show stack traces\n");
        return sb.toString();
    }
}
