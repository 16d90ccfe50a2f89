package io.vleval.reports.junit;

import io.vleval.reports.run.OutputFiles;
import io.vleval.results.GateReport;
import io.vleval.results.GateResult;
import java.io.StringWriter;
import java.nio.file.Path;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes gate outcomes as a JUnit XML report (the Ant/Surefire format Jenkins, GitLab and GitHub
 * actions read): one {@code testsuite} "vleval gates", one {@code testcase} per gate ({@code
 * classname} = {@code vleval.gates.<model>.<task>}, {@code name} = the metric), a {@code failure}
 * with the gate's message when it failed.
 */
public final class GateJUnitXml {
  private GateJUnitXml() {}

  public static String render(GateReport report) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      int failures = report.failures().size();
      xml.writeStartElement("testsuite");
      xml.writeAttribute("name", "vleval gates");
      xml.writeAttribute("tests", Integer.toString(report.results().size()));
      xml.writeAttribute("failures", Integer.toString(failures));
      xml.writeAttribute("errors", "0");
      xml.writeAttribute("skipped", "0");
      xml.writeAttribute("time", "0");
      xml.writeCharacters("\n  ");
      xml.writeStartElement("properties");
      xml.writeEmptyElement("property");
      xml.writeAttribute("name", "baseline");
      xml.writeAttribute("value", clean(report.baseline() == null ? "(none)" : report.baseline()));
      xml.writeEndElement();
      for (GateResult g : report.results()) {
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", clean("vleval.gates." + g.model() + "." + g.task()));
        xml.writeAttribute("name", clean(g.metric() == null ? g.gate() : g.metric()));
        xml.writeAttribute("time", "0");
        if (!g.passed()) {
          xml.writeCharacters("\n    ");
          xml.writeStartElement("failure");
          xml.writeAttribute("type", "RegressionGate");
          xml.writeAttribute("message", clean(g.message()));
          xml.writeCharacters(clean(g.gate() + ": " + g.message()));
          xml.writeEndElement();
          xml.writeCharacters("\n  ");
        } else {
          xml.writeStartElement("system-out");
          xml.writeCharacters(clean(g.message()));
          xml.writeEndElement();
        }
        xml.writeEndElement();
      }
      xml.writeCharacters("\n");
      xml.writeEndElement();
      xml.writeCharacters("\n");
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing XML to memory failed", e);
    }
    return out.toString();
  }

  public static void write(GateReport report, Path file) {
    OutputFiles.write(file, render(report));
  }

  /** XML 1.0 cannot hold most control characters, even escaped: they become U+FFFD. */
  private static String clean(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> {
              boolean ok =
                  c == 0x9
                      || c == 0xA
                      || c == 0xD
                      || (c >= 0x20 && c <= 0xD7FF)
                      || (c >= 0xE000 && c <= 0xFFFD)
                      || (c >= 0x10000 && c <= 0x10FFFF);
              out.appendCodePoint(ok ? c : 0xFFFD);
            });
    return out.toString();
  }
}
