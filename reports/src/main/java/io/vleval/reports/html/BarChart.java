package io.vleval.reports.html;

import static io.vleval.reports.html.Html.text;

import io.vleval.api.result.MetricValue;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart in inline SVG: one bar per model, with its confidence interval as a
 * whisker.
 */
final class BarChart {
  private static final int LABEL = 190;
  private static final int BARS = 330;
  private static final int VALUE = 90;
  private static final int ROW = 22;
  private static final int TOP = 6;

  private BarChart() {}

  static String svg(String title, List<String> labels, List<MetricValue> values) {
    double max = 0;
    for (MetricValue m : values) {
      if (!Double.isNaN(m.value())) {
        max = Math.max(max, m.value());
      }
      if (m.interval() != null && !Double.isNaN(m.interval().upper())) {
        max = Math.max(max, m.interval().upper());
      }
    }
    if (max <= 0 || Double.isInfinite(max)) {
      max = 1;
    }
    int width = LABEL + BARS + VALUE;
    int height = TOP * 2 + ROW * Math.max(1, values.size());
    StringBuilder out = new StringBuilder();
    out.append("<figure><figcaption>")
        .append(text(title))
        .append("</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\"")
        .append(" role=\"img\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" aria-label=\"")
        .append(text(title))
        .append("\">\n");
    out.append("<line x1=\"")
        .append(LABEL)
        .append("\" y1=\"0\" x2=\"")
        .append(LABEL)
        .append("\" y2=\"")
        .append(height)
        .append("\" stroke=\"#9aa3af\"/>\n");
    for (int i = 0; i < values.size(); i++) {
      MetricValue m = values.get(i);
      int y = TOP + i * ROW;
      out.append("<text x=\"")
          .append(LABEL - 6)
          .append("\" y=\"")
          .append(y + 15)
          .append("\" text-anchor=\"end\" font-size=\"12\" fill=\"#1d2330\">")
          .append(text(clip(labels.get(i))))
          .append("<title>")
          .append(text(labels.get(i)))
          .append("</title></text>\n");
      if (Double.isNaN(m.value())) {
        out.append("<text x=\"")
            .append(LABEL + 6)
            .append("\" y=\"")
            .append(y + 15)
            .append("\" font-size=\"12\" fill=\"#c0362c\">NaN</text>\n");
        continue;
      }
      double w = Math.max(0, m.value()) / max * BARS;
      out.append("<rect x=\"")
          .append(LABEL)
          .append("\" y=\"")
          .append(y + 3)
          .append("\" width=\"")
          .append(f(w))
          .append("\" height=\"")
          .append(ROW - 6)
          .append("\" fill=\"#2f6fd6\" fill-opacity=\"0.8\"/>\n");
      if (m.interval() != null
          && !Double.isNaN(m.interval().lower())
          && !Double.isNaN(m.interval().upper())) {
        double lo = LABEL + Math.max(0, m.interval().lower()) / max * BARS;
        double hi = LABEL + Math.max(0, m.interval().upper()) / max * BARS;
        double mid = y + ROW / 2.0;
        out.append("<path d=\"M")
            .append(f(lo))
            .append(' ')
            .append(f(mid))
            .append("H")
            .append(f(hi))
            .append("M")
            .append(f(lo))
            .append(' ')
            .append(f(mid - 4))
            .append("V")
            .append(f(mid + 4))
            .append("M")
            .append(f(hi))
            .append(' ')
            .append(f(mid - 4))
            .append("V")
            .append(f(mid + 4))
            .append("\" stroke=\"#1d2330\" stroke-width=\"1.2\" fill=\"none\"/>\n");
      }
      out.append("<text x=\"")
          .append(LABEL + BARS + 6)
          .append("\" y=\"")
          .append(y + 15)
          .append("\" font-size=\"12\" fill=\"#1d2330\">")
          .append(text(Leaderboard.fmt(m.value(), m.unit())))
          .append("</text>\n");
    }
    out.append("</svg></figure>\n");
    return out.toString();
  }

  private static String clip(String s) {
    return s.length() <= 28 ? s : s.substring(0, 27) + "\u2026";
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
