package dev.remediationstate.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CRUD mock API, but lists honour {@code limit} and {@code continue} as a real API server does:
 * items in name order, at most {@code limit} per page, the continue token being the last name
 * returned. As on a real API server, the pages after the first come from the snapshot the first
 * page was served from; a first page takes a new snapshot only after a write or for another query
 * (the mock would otherwise re-read every object for every page). Used by the scale test and the
 * benchmark, where paging is what is measured.
 */
public final class PagingCrudDispatcher extends KubernetesCrudDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LIMIT = Pattern.compile("[?&]limit=(\\d+)");
  private static final Pattern CONTINUE = Pattern.compile("[?&]continue=([^&]+)");

  private ObjectNode snapshot;
  private List<JsonNode> snapshotItems;
  private String snapshotQuery;
  private boolean dirty;

  @Override
  public synchronized MockResponse handleCreate(RecordedRequest request) {
    dirty = true;
    return super.handleCreate(request);
  }

  @Override
  public synchronized MockResponse handleUpdate(RecordedRequest request) {
    dirty = true;
    return super.handleUpdate(request);
  }

  @Override
  public synchronized MockResponse handlePatch(RecordedRequest request) {
    dirty = true;
    return super.handlePatch(request);
  }

  @Override
  public synchronized MockResponse handleDelete(String path) {
    dirty = true;
    return super.handleDelete(path);
  }

  @Override
  public synchronized MockResponse handleGet(String path) {
    Matcher limit = LIMIT.matcher(path);
    if (!limit.find()) {
      return super.handleGet(path);
    }
    Matcher token = CONTINUE.matcher(path);
    String after = token.find() ? URLDecoder.decode(token.group(1), StandardCharsets.UTF_8) : "";
    try {
      String query = CONTINUE.matcher(LIMIT.matcher(path).replaceAll("")).replaceAll("");
      if (snapshot == null || (after.isEmpty() && (dirty || !query.equals(snapshotQuery)))) {
        dirty = false;
        snapshotQuery = query;
        MockResponse full = super.handleGet(path);
        if (full.code() != 200) {
          return full;
        }
        snapshot = (ObjectNode) JSON.readTree(full.getBody().readUtf8());
        snapshotItems = new ArrayList<>();
        snapshot.withArray("items").forEach(snapshotItems::add);
        snapshotItems.sort(Comparator.comparing(i -> i.at("/metadata/name").asText()));
      }
      ObjectNode list = JSON.createObjectNode();
      list.setAll(snapshot);
      JsonNode listMeta = snapshot.get("metadata");
      list.set("metadata", listMeta == null ? JSON.createObjectNode() : listMeta.deepCopy());
      List<JsonNode> items = snapshotItems;
      int max = Integer.parseInt(limit.group(1));
      ArrayNode page = list.putArray("items");
      String last = null;
      boolean more = false;
      for (JsonNode item : items) {
        String name = item.at("/metadata/name").asText();
        if (name.compareTo(after) <= 0) {
          continue;
        }
        if (page.size() == max) {
          more = true;
          break;
        }
        page.add(item);
        last = name;
      }
      ObjectNode metadata = list.with("metadata");
      if (more) {
        metadata.put("continue", last);
      } else {
        metadata.remove("continue");
      }
      return new MockResponse().setResponseCode(200).setBody(JSON.writeValueAsString(list));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
