package io.smsgw.routing;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.SecurityStore;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.utils.CompositeAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With broker security on, an MT an application sends to {@code sms.mt} may name in {@code smsAccount} only an account
 * its user may act for: the user's own (an account's Artemis user is its id, as for the gateway's SMPP and CMPP
 * sessions, decision 4), or an account whose queue {@code sms.sp.<account>} the user may consume (its reports go
 * there: whoever may read them may submit for it). Anything else, an MT without {@code smsAccount} included, is refused
 * before it is stored: the sender's send fails with a security error, and nothing reaches routing, the SMSC, billing or
 * the named account. Without this, any user allowed to send to {@code sms.mt} could submit as any account, billed to it
 * and past its {@code mt-routes}.
 *
 * <p>The gateway's own sessions are not checked: the SMPP and CMPP accounts' sessions (the account is the user they
 * authenticated as) and the SMSC and FWD links' internal sessions (which carry other gateways' and SMSCs' traffic). They
 * route before they store (decision 40), so their messages do not reach {@code sms.mt} as such anyway.
 */
final class ApplicationMtCheck {

   private static final Logger logger = LoggerFactory.getLogger(ApplicationMtCheck.class);

   /**
    * Protocol names of the gateway's own connections: the SMPP and CMPP acceptors (SmppProtocolManagerFactory,
    * CmppProtocolManagerFactory, the peers' FWD sessions included) and the SMSC and FWD links (SmscLink, FwdLink).
    */
   static final Set<String> GATEWAY_PROTOCOLS = Set.of("SMPP", "CMPP", "SMPP-LINK", "CMPP-FWD");
   private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

   private final ActiveMQServer server;
   private final SmsRouter router;
   /** MT refused since the broker started. */
   final LongAdder refused = new LongAdder();
   /** One WARN per interval at most, so a client that keeps trying cannot flood the log; the rest go to DEBUG. */
   private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());

   ApplicationMtCheck(ActiveMQServer server, SmsRouter router) {
      this.server = server;
      this.router = router;
   }

   /** Throws when the message is an application's MT for an account its user may not act for. */
   void check(ServerSession session, Message message) throws ActiveMQSecurityException {
      SecurityStore security = server.getSecurityStore();
      if (security == null || !security.isSecurityEnabled() || !toMt(session, message) || fromGateway(session)) {
         return;
      }
      String account = RoutingTransformer.account(message);
      String user = session.getValidatedUser();
      if (account != null && (account.equals(user) || mayConsumeQueueOf(security, session, account))) {
         return;
      }
      refused.increment();
      String reason = account == null
         ? "an MT sent to " + SmsAddresses.MT + " by an application must name its account in smsAccount while broker security is on"
         : "user '" + user + "' may not send MT for account '" + account + "' (smsAccount must be the user's own account, or one whose queue "
            + router.accountQueue(account) + " the user may consume)";
      long now = System.nanoTime();
      long next = nextWarning.get();
      if (now - next >= 0 && nextWarning.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
         logger.warn("MT refused from {}: {}; {} refused since the broker started (at most one such line per {} s)",
                     session.getRemotingConnection().getRemoteAddress(), reason, refused.sum(),
                     TimeUnit.NANOSECONDS.toSeconds(WARN_INTERVAL_NANOS));
      } else {
         logger.debug("MT refused from {}: {}", session.getRemotingConnection().getRemoteAddress(), reason);
      }
      throw new ActiveMQSecurityException("MT refused: " + reason);
   }

   /** Whether the message goes to sms.mt, however the client wrote the address (an acceptor's prefix, a queue name). */
   private static boolean toMt(ServerSession session, Message message) {
      SimpleString address = message.getAddressSimpleString();
      if (address == null) {
         return false;
      }
      if (SmsAddresses.MT_ADDRESS.equals(address)) {
         return true;
      }
      return SmsAddresses.MT_ADDRESS.equals(CompositeAddress.extractAddressName(session.removePrefix(address)));
   }

   private static boolean fromGateway(ServerSession session) {
      RemotingConnection connection = session.getRemotingConnection();
      return connection != null && GATEWAY_PROTOCOLS.contains(connection.getProtocolName());
   }

   private boolean mayConsumeQueueOf(SecurityStore security, ServerSession session, String account) {
      SimpleString queue = SimpleString.of(router.accountQueue(account));
      try {
         return security.hasPermission(queue, queue, CheckType.CONSUME, session);
      } catch (Exception e) {
         return false; // the user could not be authorized at all
      }
   }
}
