package dev.remediationstate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** jib.yaml (Jib CLI) describes the same image as the jib-maven-plugin configuration. */
class JibBuildFileTest {
  private static final Pattern PROPERTY = Pattern.compile("\\$\\{([A-Za-z0-9.]+)}");
  private static Element jib;
  private static Map<String, String> properties;
  private static JsonNode buildFile;

  @BeforeAll
  static void read() throws Exception {
    Path root = Manifests.root();
    Document parent = parse(root.resolve("pom.xml"));
    Document executor = parse(root.resolve("executor/pom.xml"));
    properties = new LinkedHashMap<>();
    properties.put("project.version", text(parent.getDocumentElement(), "version"));
    properties.put("project.parent.description", text(parent.getDocumentElement(), "description"));
    Element props = child(executor.getDocumentElement(), "properties");
    for (Element p : children(props)) {
      properties.put(p.getTagName(), p.getTextContent().trim());
    }
    jib = null;
    // The main build's plugin; the image profile only adds executions.
    for (Element plugin :
        children(child(child(executor.getDocumentElement(), "build"), "plugins"))) {
      if (text(plugin, "artifactId").equals("jib-maven-plugin")) {
        jib = child(plugin, "configuration");
      }
    }
    buildFile = Manifests.tree(root.resolve("jib.yaml"));
  }

  @Test
  void sameBaseImagePinnedByDigest() {
    String base = resolve(text(child(jib, "from"), "image"));
    assertEquals(base, buildFile.at("/from/image").asText());
    assertEquals(true, base.startsWith("eclipse-temurin:25-jre@sha256:"), base);
  }

  @Test
  void sameUserAndWorkingDirectory() {
    Element container = child(jib, "container");
    assertEquals(resolve(text(container, "user")), buildFile.get("user").asText());
    assertEquals("65532", buildFile.get("user").asText());
    assertEquals(
        resolve(text(container, "workingDirectory")), buildFile.get("workingDirectory").asText());
  }

  @Test
  void sameEntrypointWithJvmFlagsAndMainClass() {
    List<String> pom = new ArrayList<>();
    for (Element arg : children(child(child(jib, "container"), "entrypoint"))) {
      pom.add(resolve(arg.getTextContent().trim()));
    }
    List<String> cli = new ArrayList<>();
    buildFile.get("entrypoint").forEach(a -> cli.add(a.asText()));
    assertEquals(pom, cli);
    assertEquals("dev.remediationstate.cli.Main", pom.get(pom.size() - 1));
    assertEquals("java", pom.get(0));
  }

  @Test
  void theEntrypointRunsTheBenchmarkedFlagsOnAnExplicitClassPathAndLogsToStderr() {
    List<String> entrypoint = new ArrayList<>();
    buildFile.get("entrypoint").forEach(a -> entrypoint.add(a.asText()));
    // <jvm.flags> is what executor/bench/startup-bench.sh measures: the image must run them.
    String flags = resolve("${jvm.flags}");
    for (String flag : flags.trim().split("\\s+")) {
      assertTrue(
          entrypoint.contains(flag),
          flag + " from <jvm.flags> is not in the entrypoint " + entrypoint);
    }
    // An AOT cache matches only the class path it was trained with: no directory wildcards
    // whose expansion order depends on the filesystem.
    assertEquals("@/app/jib-classpath-file", entrypoint.get(entrypoint.indexOf("-cp") + 1));
    assertTrue(
        entrypoint.containsAll(List.of("-Xlog:disable", "-Xlog:all=warning:stderr")),
        "JVM messages must not reach stdout, which Argo keeps as outputs.result");
    List<String> layers = new ArrayList<>();
    buildFile
        .at("/layers/entries")
        .forEach(layer -> layer.get("files").forEach(f -> layers.add(f.get("dest").asText())));
    assertTrue(layers.contains("/app/jib-classpath-file"), layers.toString());
  }

  @Test
  void bothReadAnEmptyJvmOptionsFileThatTheAotBuildReplaces() throws Exception {
    List<String> entrypoint = new ArrayList<>();
    buildFile.get("entrypoint").forEach(a -> entrypoint.add(a.asText()));
    assertEquals("-XX:VMOptionsFile=/app/jvm.options", entrypoint.get(1));
    // Jib Maven's default extra directory; the JVM refuses a missing file and comments in it.
    Path options = Manifests.root().resolve("executor/src/main/jib/app/jvm.options");
    assertEquals(0, Files.size(options), options + " ships empty");
    List<String> cli = new ArrayList<>();
    buildFile
        .at("/layers/entries")
        .forEach(
            layer ->
                layer
                    .get("files")
                    .forEach(
                        f -> {
                          if (f.get("dest").asText().equals("/app/jvm.options")) {
                            cli.add(f.get("src").asText());
                          }
                        }));
    assertEquals(List.of("executor/src/main/jib/app/jvm.options"), cli);
  }

  @Test
  void sameReproducibleCreationTimeAndLabels() {
    Element container = child(jib, "container");
    assertEquals("EPOCH", text(container, "creationTime"));
    assertEquals(0, buildFile.get("creationTime").asInt());
    Map<String, String> pom = new LinkedHashMap<>();
    for (Element label : children(child(container, "labels"))) {
      pom.put(label.getTagName(), resolve(label.getTextContent().trim()));
    }
    Map<String, String> cli = new LinkedHashMap<>();
    buildFile
        .get("labels")
        .fields()
        .forEachRemaining(e -> cli.put(e.getKey(), e.getValue().asText()));
    // The Jib CLI takes the version as a template parameter: -p version=...
    assertEquals(
        "${version}",
        cli.put("org.opencontainers.image.version", pom.get("org.opencontainers.image.version")));
    assertEquals(pom, cli);
  }

  private static String resolve(String value) {
    Matcher m = PROPERTY.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = properties.get(m.group(1));
      if (v == null) {
        throw new AssertionError("unknown property " + m.group(1));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(resolve(v)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Document parse(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  private static Element child(Element parent, String name) {
    for (Element e : children(parent)) {
      if (e.getTagName().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("<" + parent.getTagName() + "> has no <" + name + ">");
  }

  private static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  private static String text(Element parent, String name) {
    return child(parent, name).getTextContent().trim();
  }
}
