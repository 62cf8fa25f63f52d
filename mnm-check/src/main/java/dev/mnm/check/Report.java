package dev.mnm.check;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A self-contained HTML page for a checker result: for the first key that is not linearizable
 * (or the first key otherwise), the history per client on a timeline, the operations of the
 * longest partial linearization numbered in their order with the state after each, and the
 * operations that could not be placed in red.
 */
public final class Report {
    private Report() {}

    public static String html(Checker.Result result) {
        Checker.Partition p = result.counterexample() != null ? result.counterexample()
                : result.partitions().isEmpty() ? null : result.partitions().getFirst();
        StringBuilder sb = new StringBuilder(16_384);
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>mnm linearizability: ")
                .append(result.verdict()).append("</title><style>")
                .append("body{font:14px sans-serif;margin:20px}h1{font-size:18px}")
                .append(".ok{color:#1a7f37}.bad{color:#c62828}.unk{color:#9a6700}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}")
                .append("svg text{font:11px monospace}")
                .append("</style></head><body>");
        String cls = switch (result.verdict()) {
            case LINEARIZABLE -> "ok";
            case NOT_LINEARIZABLE -> "bad";
            case UNKNOWN -> "unk";
        };
        sb.append("<h1 class=\"").append(cls).append("\">").append(result.verdict()).append("</h1>");
        sb.append("<p>model <b>").append(esc(result.model().name())).append("</b>, ")
                .append(result.partitions().size()).append(" key(s): ");
        for (Checker.Partition q : result.partitions()) {
            sb.append(esc(q.key().isEmpty() ? "(single object)" : q.key())).append("=").append(q.verdict()).append(' ');
        }
        sb.append("</p>");
        if (p != null) {
            partition(sb, p);
        }
        return sb.append("</body></html>\n").toString();
    }

    private static void partition(StringBuilder sb, Checker.Partition p) {
        sb.append("<h2>key ").append(esc(p.key().isEmpty() ? "(single object)" : p.key())).append(": ")
                .append(p.verdict()).append("</h2>");
        Map<Integer, Integer> order = new HashMap<>();
        for (int k = 0; k < p.longest().size(); k++) {
            order.put(p.longest().get(k).op().id(), k + 1);
        }
        TreeSet<Integer> processes = new TreeSet<>();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (Op op : p.ops()) {
            processes.add(op.process());
            lo = Math.min(lo, op.invoke());
            hi = Math.max(hi, op.info() ? op.invoke() : op.complete());
        }
        hi = Math.max(hi + (hi - lo) / 10 + 1, lo + 1);
        int width = 1000;
        int row = 34;
        int left = 60;
        double scale = (double) (width - left - 10) / (hi - lo);
        List<Integer> procs = List.copyOf(processes);
        sb.append("<svg width=\"").append(width).append("\" height=\"").append(procs.size() * row + 30)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (int r = 0; r < procs.size(); r++) {
            sb.append("<text x=\"4\" y=\"").append(r * row + 22).append("\">p").append(procs.get(r)).append("</text>");
        }
        java.util.Set<Integer> unplaced = new java.util.HashSet<>();
        p.unplaced().forEach(o -> unplaced.add(o.id()));
        for (Op op : p.ops()) {
            int r = procs.indexOf(op.process());
            double x = left + (op.invoke() - lo) * scale;
            double x2 = left + ((op.info() ? hi : op.complete()) - lo) * scale;
            double w = Math.max(3, x2 - x);
            Integer n = order.get(op.id());
            String fill = n != null ? "#c8e6c9" : unplaced.contains(op.id()) ? "#ffcdd2" : "#eeeeee";
            sb.append("<g><title>").append(esc(op.toString())).append("\ninvoked ").append(op.invoke())
                    .append(op.info() ? ", outcome unknown" : ", completed " + op.complete())
                    .append(n != null ? "\nlinearized #" + n : unplaced.contains(op.id()) ? "\ncould not be placed" : "")
                    .append("</title><rect x=\"").append(fmt(x)).append("\" y=\"").append(r * row + 6)
                    .append("\" width=\"").append(fmt(w)).append("\" height=\"22\" rx=\"3\" fill=\"").append(fill)
                    .append("\" stroke=\"#555\"").append(op.info() ? " stroke-dasharray=\"4 3\"" : "").append("/>")
                    .append("<text x=\"").append(fmt(x + 3)).append("\" y=\"").append(r * row + 21).append("\">")
                    .append(n != null ? n + ": " : "").append(esc(op.f() + " " + value(op))).append("</text></g>");
        }
        sb.append("</svg>");
        sb.append("<h3>Longest partial linearization (").append(p.longest().size()).append(" of ")
                .append(p.ops().size()).append(" operations)</h3><table><tr><th>#</th><th>operation</th><th>state after</th></tr>");
        for (int k = 0; k < p.longest().size(); k++) {
            Checker.Step s = p.longest().get(k);
            sb.append("<tr><td>").append(k + 1).append("</td><td>").append(esc(s.op().toString()))
                    .append("</td><td>").append(esc(String.valueOf(s.state()))).append("</td></tr>");
        }
        sb.append("</table>");
        if (!p.unplaced().isEmpty()) {
            sb.append("<h3 class=\"bad\">Operations that could not be placed after it</h3><ul>");
            for (Op op : p.unplaced()) {
                sb.append("<li>").append(esc(op.toString())).append(" [").append(op.invoke()).append(", ")
                        .append(op.complete()).append("]</li>");
            }
            sb.append("</ul>");
        }
    }

    private static String value(Op op) {
        return op.value() == null ? "nil" : op.value().size() == 1 ? String.valueOf(op.value().getFirst())
                : op.value().toString();
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
