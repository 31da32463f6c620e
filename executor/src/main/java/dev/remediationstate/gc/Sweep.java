package dev.remediationstate.gc;

import dev.remediationstate.failure.OutcomeUnknownException;
import dev.remediationstate.gc.Decision.Step;
import dev.remediationstate.gc.ObjectName.Kind;
import dev.remediationstate.store.ConflictException;
import dev.remediationstate.store.StateConfigMap;
import dev.remediationstate.store.StateObject;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One gc run over a namespace: lists every ConfigMap carrying the app labels page by page ({@code
 * limit} + {@code continue}), decides each object by {@link GcRules} and acts on it at once, so
 * memory holds one page however many objects there are.
 *
 * <p>Writes are conditional: a mark or unmark is a merge patch carrying the listed resourceVersion;
 * a delete carries preconditions on the listed uid and resourceVersion. A 409 means the object
 * changed since it was listed: it is left for the next run. Any other failure on one object is
 * counted and named, and the run goes on. A list failure ends the run (after logging what was
 * done); an expired continue token (410) restarts the list and skips the names already handled,
 * since the API server lists a namespace in name order.
 *
 * <p>In a dry run nothing is written; the counts say what would have been done.
 */
public final class Sweep {
  private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);

  /** Restarts after 410 allowed in one run. */
  static final int MAX_RESTARTS = 5;

  private final GcEdges edges;
  private final GcPolicy policy;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final SweepObserver observer;

  private final Tally tally = new Tally();

  /** States deleted (in a dry run: that would be) in this run: their pages go too. */
  private final Set<String> deletedStates = new HashSet<>();

  private String cachedState;
  private boolean cachedStateExists;

  public Sweep(
      GcEdges edges, GcPolicy policy, Clock clock, LongSupplier nanoTime, SweepObserver observer) {
    this.edges = edges;
    this.policy = policy;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.observer = observer;
  }

  /** Runs to the end of the list and returns the counts; only a list failure throws. */
  public Tally run() {
    long start = nanoTime.getAsLong();
    String selector = StateConfigMap.selector();
    String token = null;
    String lastHandled = null;
    String skipThrough = null;
    int restarts = 0;
    try {
      while (true) {
        ConfigMapPages.Page page;
        try {
          page = edges.pages().list(selector, policy.pageSize(), token);
        } catch (ListExpiredException expired) {
          restarts++;
          if (restarts > MAX_RESTARTS) {
            throw new OutcomeUnknownException(
                "the list of configmaps expired (HTTP 410) "
                    + restarts
                    + " times; "
                    + tally
                    + " so far; safe to re-run",
                expired);
          }
          LOG.warn("list continue token expired (HTTP 410); restarting after {}", lastHandled);
          skipThrough = lastHandled;
          token = null;
          continue;
        }
        for (Listed item : page.items()) {
          String name = item.object().name();
          if (skipThrough != null && name.compareTo(skipThrough) <= 0) {
            continue;
          }
          handle(item);
          lastHandled = name;
          if (tally.scanned % policy.progressEvery() == 0) {
            progress(start);
          }
        }
        token = page.continueToken();
        if (token == null) {
          break;
        }
      }
    } catch (RuntimeException listFailure) {
      LOG.error("gc stopped: the list failed after {}", tally);
      throw listFailure;
    }
    double seconds = (nanoTime.getAsLong() - start) / 1e9;
    LOG.info(
        "gc {}done in {} s: {}",
        policy.dryRun() ? "(dry run) " : "",
        String.format("%.3f", seconds),
        tally);
    return tally;
  }

  private void progress(long start) {
    double seconds = Math.max(1e-9, (nanoTime.getAsLong() - start) / 1e9);
    LOG.info(
        "gc progress: {} ({} objects/s)", tally, String.format("%.0f", tally.scanned / seconds));
  }

  private void handle(Listed item) {
    StateObject object = item.object();
    ObjectName name = ObjectName.of(object.name());
    MDC.put("object", object.name());
    tally.scanned++;
    Instant now = clock.instant();
    String status = null;
    int iteration = -1;
    Outcome outcome;
    try {
      Decision decision;
      if (name.kind() == Kind.STATE) {
        StateFacts facts = new StateFacts(item);
        status = facts.status();
        iteration = facts.iteration();
        decision = GcRules.forState(facts, now, policy);
      } else if (name.kind() == Kind.ARCHIVE_PAGE) {
        boolean stateDeleted = deletedStates.contains(name.stateName());
        decision =
            GcRules.forPage(
                item, stateDeleted, !stateDeleted && stateExists(name.stateName()), now);
      } else {
        decision = Decision.of(Step.KEEP, "neither a state nor an archive page");
      }
      outcome = act(decision, name, object, now);
    } catch (RuntimeException e) {
      tally.failed(object.name());
      LOG.warn("gc failed on configmap/{}: {}", object.name(), e.getMessage());
      outcome = Outcome.FAILED;
    } finally {
      MDC.remove("object");
    }
    observer.observed(name.kind().label, outcome, status, iteration, object.apiSize());
  }

  private Outcome act(Decision decision, ObjectName name, StateObject object, Instant now) {
    if (decision.expired()) {
      tally.expired++;
    }
    String what = (policy.dryRun() ? "would " : "") + decision.step().name().toLowerCase();
    if (decision.step() != Step.KEEP && decision.step() != Step.WAIT) {
      LOG.info("{} configmap/{}: {}", what, object.name(), decision.reason());
    }
    try {
      switch (decision.step()) {
        case KEEP:
          return Outcome.KEPT;
        case WAIT:
          return Outcome.WAITING;
        case PROTECT:
          tally.protectedCount++;
          return Outcome.PROTECTED;
        case MARK:
          if (!policy.dryRun()) {
            edges
                .patches()
                .patch(object.name(), object.resourceVersion(), GcMark.mark(now, policy.grace()));
          }
          tally.marked++;
          return Outcome.MARKED;
        case CLEAR:
          if (!policy.dryRun()) {
            edges.patches().patch(object.name(), object.resourceVersion(), GcMark.clear());
          }
          tally.restored++;
          return Outcome.RESTORED;
        case DELETE:
          return delete(name, object);
        default:
          throw new IllegalStateException("unknown step " + decision.step());
      }
    } catch (ConflictException conflict) {
      tally.conflicts++;
      LOG.info("configmap/{} changed since it was listed; left for the next run", object.name());
      return Outcome.CONFLICT;
    }
  }

  private Outcome delete(ObjectName name, StateObject object) throws ConflictException {
    boolean deleted =
        policy.dryRun()
            || edges.deletes().delete(object.name(), object.uid(), object.resourceVersion());
    if (name.kind() == Kind.STATE) {
      deletedStates.add(object.name());
    }
    if (!deleted) {
      LOG.info("configmap/{} was already gone", object.name());
      return Outcome.GONE;
    }
    tally.deleted++;
    return Outcome.DELETED;
  }

  /** Whether the state exists; remembered for the last state asked, as its pages come together. */
  private boolean stateExists(String stateName) {
    if (!stateName.equals(cachedState)) {
      cachedStateExists = edges.store().read(stateName).isPresent();
      cachedState = stateName;
    }
    return cachedStateExists;
  }
}
