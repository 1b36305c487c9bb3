package dev.coedit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux and the JVM tell about a process from outside: CPU time from {@code /proc/PID/stat} (utime + stime),
 * RSS from {@code /proc/PID/status}, and the Java heap from {@code jcmd PID GC.heap_info}. Every call is
 * bounded; a figure that cannot be read is empty, never a guess.
 */
final class ProcessStats {

    private static final long TICKS_PER_SECOND = ticksPerSecond();
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    /** "garbage-first heap total 262144K, used 12345K", or one line per generation for the serial collector. */
    private static final Pattern USED = Pattern.compile("^\\s*(\\S.*?)\\s+total\\s+\\d+K, used (\\d+)K",
            Pattern.MULTILINE);

    private ProcessStats() {
    }

    /** CPU time used so far by the process, in seconds; empty when unreadable (not Linux, process gone). */
    static OptionalDouble cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
            return OptionalDouble.of((double) ticks / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /** Resident set size in bytes. */
    static OptionalLong rssBytes(long pid) {
        try {
            Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) * 1024) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Heap in use in bytes (all generations, without metaspace), after a full GC when {@code collectFirst}. */
    static OptionalLong heapUsedBytes(long pid, boolean collectFirst) {
        if (collectFirst && jcmd(pid, "GC.run") == null) {
            return OptionalLong.empty();
        }
        String info = jcmd(pid, "GC.heap_info");
        if (info == null) {
            return OptionalLong.empty();
        }
        Matcher m = USED.matcher(info);
        long usedK = 0;
        boolean any = false;
        while (m.find()) {
            String what = m.group(1).toLowerCase();
            if (!what.contains("metaspace") && !what.contains("class space")) {
                usedK += Long.parseLong(m.group(2));
                any = true;
            }
        }
        return any ? OptionalLong.of(usedK * 1024) : OptionalLong.empty();
    }

    /** The garbage collector the JVM chose, read from the heap's description ("garbage-first heap", ...). */
    static String collector(long pid) {
        String info = jcmd(pid, "GC.heap_info");
        if (info == null) {
            return "unknown";
        }
        Matcher m = USED.matcher(info);
        if (!m.find()) {
            return "unknown";
        }
        String first = m.group(1).trim();
        return switch (first) {
            case "garbage-first heap" -> "G1";
            case "def new generation" -> "Serial";
            case "PSYoungGen" -> "Parallel";
            default -> first;
        };
    }

    /** Output of {@code jcmd PID COMMAND}, or null if it failed or took more than 30 s. */
    static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            return new String(out);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100; // Linux's USER_HZ nearly everywhere
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
