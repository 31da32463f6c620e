package dev.remediationstate.cli;

import dev.remediationstate.action.Action;
import dev.remediationstate.action.RecordFeedbackAction;
import dev.remediationstate.failure.InvalidInputException;
import dev.remediationstate.feedback.FeedbackInput;
import dev.remediationstate.history.HistoryBudget;
import dev.remediationstate.state.Printable;
import dev.remediationstate.state.TaskId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "record-feedback",
    description = "Append one QA finding (JSON) to the feedback history, once per source ref.",
    mixinStandardHelpOptions = true)
final class RecordFeedbackCommand extends ActionCommand {
  @Option(
      names = "--feedback",
      defaultValue = "${env:RS_FEEDBACK}",
      description = "The finding as a JSON object. Env: RS_FEEDBACK.")
  String feedback;

  @Option(
      names = "--feedback-file",
      defaultValue = "${env:RS_FEEDBACK_FILE}",
      description = "File holding the JSON finding; '-' reads stdin. Env: RS_FEEDBACK_FILE.")
  String feedbackFile;

  @Option(
      names = "--author",
      defaultValue = "${env:RS_AUTHOR:-qa-agent}",
      description =
          "Author recorded when the finding names none (default ${DEFAULT-VALUE}). Env: RS_AUTHOR.")
  String author;

  @Option(
      names = "--history-limit",
      defaultValue = "${env:RS_HISTORY_LIMIT:-1048576}",
      description =
          "Bytes of uncompressed feedback kept in the state before older entries are summarized"
              + " and archived, 131072..4194304 (default ${DEFAULT-VALUE}). Env: RS_HISTORY_LIMIT.")
  long historyLimit;

  RecordFeedbackCommand(Wiring wiring) {
    super(wiring);
  }

  @Override
  Action action(TaskId taskId, Wiring wiring) {
    boolean inline = feedback != null && !feedback.isEmpty();
    boolean file = feedbackFile != null && !feedbackFile.isEmpty();
    if (inline == file) {
      throw new InvalidInputException(
          "feedback", "give exactly one of --feedback or --feedback-file ('-' for stdin)");
    }
    if (author == null
        || author.isBlank()
        || author.length() > 128
        || !author.equals(Printable.escape(author, 128))) {
      throw new InvalidInputException("author", "must be printable text of 1 to 128 characters");
    }
    if (historyLimit < HistoryBudget.MIN_LIVE_LIMIT
        || historyLimit > HistoryBudget.MAX_LIVE_LIMIT) {
      throw new InvalidInputException(
          "history-limit",
          "must be within "
              + HistoryBudget.MIN_LIVE_LIMIT
              + ".."
              + HistoryBudget.MAX_LIVE_LIMIT
              + " bytes");
    }
    String json = inline ? feedback : read(feedbackFile, wiring);
    return new RecordFeedbackAction(
        FeedbackInput.parse(json), author, new HistoryBudget(historyLimit));
  }

  private static String read(String source, Wiring wiring) {
    byte[] bytes;
    try {
      if (source.equals("-")) {
        bytes = readBounded(wiring.stdin());
      } else {
        Path path = Path.of(source);
        if (!Files.isRegularFile(path)) {
          throw new InvalidInputException("feedback-file", source + " is not a readable file");
        }
        try (InputStream in = Files.newInputStream(path)) {
          bytes = readBounded(in);
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException(
          "feedback-file", "cannot read " + source + ": " + e.getMessage());
    }
    if (bytes.length > FeedbackInput.MAX_DOCUMENT_BYTES) {
      throw new InvalidInputException(
          "feedback-file", "is larger than " + FeedbackInput.MAX_DOCUMENT_BYTES + " bytes");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("feedback-file", "is not valid UTF-8");
    }
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    return in.readNBytes(FeedbackInput.MAX_DOCUMENT_BYTES + 1);
  }
}
