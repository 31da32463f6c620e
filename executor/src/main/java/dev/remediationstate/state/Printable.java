package dev.remediationstate.state;

/** Makes untrusted text safe to echo in a one-line error message. */
public final class Printable {
  private Printable() {}

  /** Escapes control characters and cuts at {@code max} code points, marking the cut. */
  public static String escape(String text, int max) {
    StringBuilder out = new StringBuilder();
    int count = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (count++ == max) {
        return out.append("...").toString();
      }
      if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }
}
