package io.smsgw.core.config;

import java.util.List;

/**
 * The gateway configuration cannot be found or used; startup must stop. Each problem is one line
 * naming the file, line and setting, e.g.
 * {@code sms-gateway.conf line 12: accounts.smppclient1.max-sessions: must be >= 1, got 0}.
 * Messages never contain password values.
 */
public final class GatewayConfigException extends RuntimeException {

   private static final long serialVersionUID = 1L;

   private final List<String> problems;

   public GatewayConfigException(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
   }

   public GatewayConfigException(String problem, Throwable cause) {
      super(problem, cause);
      this.problems = List.of(problem);
   }

   public GatewayConfigException(String problem) {
      this(List.of(problem));
   }

   /** Every problem found, in file order where possible. */
   public List<String> problems() {
      return problems;
   }
}
