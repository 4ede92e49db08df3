package io.smsgw.core.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account secrets the shipped {@code sms-gateway.conf} comes with for the quick start ({@code smppclient1}'s
 * password and SP {@code 901234}'s shared secret). They are printed in the README, so an account that still uses one
 * could be bound or connected by anybody who reaches the SMPP or CMPP port. The acceptors therefore take such an
 * account's login only from this host (a loopback address), where the quick start's clients run (decision 133).
 */
public final class DemoSecrets {

   private static final Logger logger = LoggerFactory.getLogger(DemoSecrets.class);

   /** The secrets of the demo accounts in {@code broker-config/etc/sms-gateway.conf}. */
   public static final Set<String> SHIPPED = Set.of("password", "secret");

   private DemoSecrets() {
   }

   /** Whether the account's password or shared secret is one of the shipped ones. */
   public static boolean isShipped(Account account) {
      return SHIPPED.contains(account.password());
   }

   /**
    * Whether a login to {@code account} from {@code peer} is to be refused although its secret is right: the secret is a
    * shipped one and the client is not on this host. A peer of no IP address (not a TCP client) is not refused.
    */
   public static boolean refusedFrom(Account account, InetAddress peer) {
      return peer != null && !peer.isLoopbackAddress() && isShipped(account);
   }

   /** The ids of the accounts whose password or shared secret is one of the shipped ones, in the file's order. */
   public static List<String> accountsUsingThem(GatewayConfig config) {
      return config.accounts().all().stream().filter(a -> SHIPPED.contains(a.password())).map(Account::id).toList();
   }

   /** Logs one WARN naming the accounts that still use a shipped secret; nothing when none does. */
   public static void warnIfUsed(GatewayConfig config, Object source) {
      List<String> accounts = accountsUsingThem(config);
      if (!accounts.isEmpty()) {
         logger.warn("Account(s) {} in {} still use the demo password or shared secret shipped with the quick start (and printed "
                        + "in the README): their logins are taken only from this host (loopback), and refused from any other address. "
                        + "Give each its own secret (README, \"Security\").", accounts, source);
      }
   }
}
