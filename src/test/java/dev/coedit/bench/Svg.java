package dev.coedit.bench;

import java.util.List;
import java.util.Locale;

/** Small self-contained SVG charts: no script, no fonts to fetch, readable in a browser and on GitHub. */
final class Svg {

    /** A named line or set of points. */
    record Series(String name, String color, double[] x, double[] y, boolean dashed) {
    }

    private static final int W = 720;
    private static final int H = 300;
    private static final int L = 60;
    private static final int R = 200;
    private static final int T = 30;
    private static final int B = 40;

    private Svg() {
    }

    /** Lines over a numeric x axis; y on a log scale when {@code logY}. */
    static String lines(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        double xMax = 1;
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                xMax = Math.max(xMax, s.x[i]);
                if (s.y[i] > 0) {
                    yMin = Math.min(yMin, s.y[i]);
                    yMax = Math.max(yMax, s.y[i]);
                }
            }
        }
        Axis y = logY ? Axis.log(yMin, yMax) : Axis.linear(0, yMax);
        StringBuilder sb = open(title);
        frame(sb, xLabel, yLabel, y, 0, xMax, true);
        int row = 0;
        for (Series s : series) {
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < s.x.length; i++) {
                if (s.y[i] <= 0 && logY) {
                    continue;
                }
                path.append(path.length() == 0 ? "M" : " L").append(f(px(s.x[i], 0, xMax))).append(',')
                        .append(f(y.py(s.y[i])));
            }
            sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(s.color)
                    .append("\" stroke-width=\"1.8\"").append(s.dashed ? " stroke-dasharray=\"5,3\"" : "")
                    .append("/>\n");
            legend(sb, row++, s);
        }
        return sb.append("</svg>\n").toString();
    }

    /** Groups of values side by side (one group per category, one bar per series); log y when {@code logY}. */
    static String bars(String title, String yLabel, List<String> categories, List<Series> series, boolean logY) {
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (double v : s.y) {
                if (v > 0) {
                    yMin = Math.min(yMin, v);
                    yMax = Math.max(yMax, v);
                }
            }
        }
        Axis y = logY ? Axis.log(yMin, yMax) : Axis.linear(0, yMax);
        StringBuilder sb = open(title);
        frame(sb, "", yLabel, y, 0, 1, false);
        double groupW = (double) (W - L - R) / Math.max(1, categories.size());
        double barW = groupW * 0.8 / Math.max(1, series.size());
        for (int c = 0; c < categories.size(); c++) {
            double gx = L + c * groupW + groupW * 0.1;
            sb.append(text(gx + groupW * 0.4, H - B + 16, categories.get(c), "middle", 10));
            for (int s = 0; s < series.size(); s++) {
                double v = series.get(s).y[c];
                if (v <= 0) {
                    continue;
                }
                double top = y.py(v);
                double base = logY ? H - B : y.py(0);
                sb.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>%n",
                        gx + s * barW, top, barW - 1, Math.max(0.5, base - top), series.get(s).color,
                        esc(series.get(s).name), Bench.fmt(Load.round(v))));
            }
        }
        int row = 0;
        for (Series s : series) {
            legend(sb, row++, s);
        }
        return sb.append("</svg>\n").toString();
    }

    private static StringBuilder open(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", W, H, W, H));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(text(L, 18, title, "start", 13));
        return sb;
    }

    private static void frame(StringBuilder sb, String xLabel, String yLabel, Axis y, double x0, double x1,
            boolean xTicks) {
        sb.append(String.format(Locale.ROOT, "<path d=\"M%d,%d L%d,%d L%d,%d\" fill=\"none\" stroke=\"#333\"/>%n",
                L, T, L, H - B, W - R, H - B));
        for (double t : y.ticks()) {
            double py = y.py(t);
            sb.append(String.format(Locale.ROOT, "<path d=\"M%d,%.1f L%d,%.1f\" stroke=\"#ddd\"/>%n", L, py, W - R, py));
            sb.append(text(L - 4, py + 4, Bench.fmt(Load.round(t)), "end", 10));
        }
        if (xTicks) {
            double step = niceStep(x1 - x0);
            for (double t = x0; t <= x1 + 1e-9; t += step) {
                sb.append(text(px(t, x0, x1), H - B + 14, Bench.fmt(t), "middle", 10));
            }
        }
        sb.append(text((L + W - R) / 2.0, H - 6, xLabel, "middle", 11));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 14 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", (T + H - B) / 2, (T + H - B) / 2, esc(yLabel)));
    }

    private static void legend(StringBuilder sb, int row, Series s) {
        int y = T + 10 + row * 16;
        sb.append(String.format(Locale.ROOT, "<path d=\"M%d,%d L%d,%d\" stroke=\"%s\" stroke-width=\"3\"%s/>%n",
                W - R + 10, y - 4, W - R + 30, y - 4, s.color, s.dashed ? " stroke-dasharray=\"5,3\"" : ""));
        sb.append(text(W - R + 34, y, s.name, "start", 10));
    }

    private static double px(double x, double x0, double x1) {
        return L + (x - x0) / Math.max(1e-9, x1 - x0) * (W - L - R);
    }

    private static String text(double x, double y, String s, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\">%s</text>%n",
                x, y, size, anchor, esc(s));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String f(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    private static double niceStep(double range) {
        double raw = range / 6;
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** A y axis, linear or log10. */
    private record Axis(double lo, double hi, boolean log) {
        static Axis linear(double lo, double hi) {
            double step = niceStep(Math.max(hi, 1e-9));
            return new Axis(lo, Math.max(step, Math.ceil(hi / step) * step), false);
        }

        static Axis log(double lo, double hi) {
            if (hi <= 0) {
                return new Axis(0.1, 1, true);
            }
            return new Axis(Math.pow(10, Math.floor(Math.log10(lo * 0.5))), Math.pow(10, Math.ceil(Math.log10(hi))),
                    true);
        }

        double py(double v) {
            double frac = log ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
                    : (v - lo) / (hi - lo);
            return H - B - frac * (H - B - T);
        }

        List<Double> ticks() {
            List<Double> t = new java.util.ArrayList<>();
            if (log) {
                for (double v = lo; v <= hi * 1.0001; v *= 10) {
                    t.add(v);
                }
            } else {
                double step = niceStep(hi - lo);
                for (double v = lo; v <= hi + 1e-9; v += step) {
                    t.add(v);
                }
            }
            return t;
        }
    }
}
