package io.smsgw.broker;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/** Reads and clears one acceptor's failed-login penalties for management; holds no state of its own. */
public final class LoginPenaltiesControl implements LoginPenaltiesControlMBean {

   private final String acceptor;
   private final AbstractSmsProtocolManager<?, ?> manager;

   LoginPenaltiesControl(String acceptor, AbstractSmsProtocolManager<?, ?> manager) {
      this.acceptor = acceptor;
      this.manager = manager;
   }

   private LoginPenalties penalties() {
      return manager.loginPenalties();
   }

   @Override
   public String getAcceptor() {
      return acceptor;
   }

   @Override
   public String getProtocol() {
      return manager.protocolName();
   }

   @Override
   public int getAuthFailureLimit() {
      return penalties().limit();
   }

   @Override
   public long getAuthFailureWindow() {
      return penalties().windowMillis();
   }

   @Override
   public long getAuthFailureDelay() {
      return penalties().delayMillis();
   }

   @Override
   public long getMaxPenalty() {
      return penalties().limit() <= 0 ? 0 : penalties().windowMillis();
   }

   @Override
   public long getLoginsPenalized() {
      return penalties().refused();
   }

   @Override
   public int getCountedCount() {
      return penalties().entries().size();
   }

   @Override
   public int getPenalizedCount() {
      return (int) penalties().entries().stream().filter(e -> e.penaltyEndsMillis() > 0).count();
   }

   @Override
   public String[] listFailedLogins() {
      List<LoginPenalties.Entry> entries = penalties().entries();
      String[] lines = new String[entries.size()];
      for (int i = 0; i < lines.length; i++) {
         LoginPenalties.Entry e = entries.get(i);
         lines[i] = (e.address() ? "address " : "account ") + e.id() + ": " + e.failures()
            + (e.failures() == 1 ? " failure" : " failures") + ", the last at " + Instant.ofEpochMilli(e.lastFailureMillis())
            + (e.penaltyEndsMillis() > 0 ? "; penalized until " + Instant.ofEpochMilli(e.penaltyEndsMillis()) : "; not penalized");
      }
      return lines;
   }

   @Override
   public boolean clearAddress(String address) {
      if (address == null || address.isBlank()) {
         return false;
      }
      String text = address.trim();
      if (penalties().clearAddress(text)) {
         return true;
      }
      String ipv6 = ipv6HostAddress(text);
      return ipv6 != null && penalties().clearAddress(ipv6);
   }

   /**
    * An IPv6 literal in any notation ({@code ::1}, {@code 2001:DB8::7}, with or without {@code /64}) as the list writes
    * the /64 it is counted under ({@code 0:0:0:0::/64}, {@code 2001:db8:0:0::/64}), or null. Only such literals are
    * parsed, so no name is ever looked up in DNS from a management thread.
    */
   static String ipv6HostAddress(String text) {
      String literal = text.endsWith("/64") ? text.substring(0, text.length() - 3) : text;
      if (literal.indexOf(':') < 0 || !literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
         return null;
      }
      try {
         return LoginPenalties.addressId(InetAddress.getByName(literal));
      } catch (Exception e) {
         return null;
      }
   }

   @Override
   public boolean clearAccount(String account) {
      return account != null && penalties().clearAccount(account.trim());
   }

   @Override
   public int clearAll() {
      return penalties().clear();
   }
}
