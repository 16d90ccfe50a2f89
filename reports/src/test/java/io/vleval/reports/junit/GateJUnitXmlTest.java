package io.vleval.reports.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.reports.TestRuns;
import io.vleval.results.GateReport;
import io.vleval.results.GateResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class GateJUnitXmlTest {

  @Test
  void oneTestcasePerGateWithAFailureForEachFailedOne() throws Exception {
    GateReport report =
        GateReport.of(
            "b",
            List.of(
                TestRuns.gates().results().get(0),
                TestRuns.gates().results().get(1),
                new GateResult(
                    "m/t/x", "m", "t", "x", false, "control \u0001 char & <tag>", null, null)));
    String xml = GateJUnitXml.render(report);
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Element suite = doc.getDocumentElement();
    assertThat(suite.getTagName()).isEqualTo("testsuite");
    assertThat(suite.getAttribute("tests")).isEqualTo("3");
    assertThat(suite.getAttribute("failures")).isEqualTo("2");
    var cases = doc.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(3);
    Element first = (Element) cases.item(0);
    assertThat(first.getAttribute("classname")).isEqualTo("vleval.gates.rnd.zero-shot");
    assertThat(first.getAttribute("name")).isEqualTo("top1");
    Element failure = (Element) first.getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("message"))
        .contains("below the floor min 20")
        .contains(TestRuns.SCRIPT);
    assertThat(((Element) cases.item(1)).getElementsByTagName("failure").getLength()).isZero();
    assertThat(((Element) cases.item(2)).getElementsByTagName("failure").item(0).getTextContent())
        .contains("control \uFFFD char & <tag>");
  }
}
