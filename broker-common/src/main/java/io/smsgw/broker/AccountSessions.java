package io.smsgw.broker;

import java.security.Principal;
import java.util.Map;
import java.util.Set;

import javax.security.auth.Subject;

import io.smsgw.core.config.Account;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.security.SecurityStore;
import org.apache.activemq.artemis.core.server.ActiveMQMessageBundle;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.spi.core.protocol.SessionCallback;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.apache.activemq.artemis.utils.SecurityManagerUtil;

/**
 * The broker session of an SMPP or CMPP account the gateway has authenticated itself (sms-gateway.conf password or
 * CMPP authenticator), and the broker permissions it acts with (decision 92).
 * <p>
 * Artemis authorizes a session's sends and consumers with a security manager that works on JAAS subjects
 * ({@link ActiveMQSecurityManager5}: the JAAS manager of a stock instance, the basic manager) by logging the session's
 * user in again with its password; the account's session has none, so every check failed. For those managers the
 * gateway builds the subject itself, the account's id as user and its {@code broker-roles} as roles, sets it on the
 * connection and checks the session's permissions against the broker's security settings with it ({@link #check}),
 * the broker's own check being turned off for the session. Other managers check the session as before, by user name.
 */
public final class AccountSessions {

   private AccountSessions() {
   }

   /** Creates the session of {@code account}, authenticated by the gateway, on its connection. */
   public static ServerSession open(ActiveMQServer server, String name, Account account, SmsRemotingConnection connection,
                                    SessionCallback callback, OperationContext context,
                                    Map<SimpleString, RoutingType> prefixes, String securityDomain) throws Exception {
      // The account's id is the validated user: the broker does not authenticate the session again.
      ServerSession session = server.createSession(name, account.id(), null, ActiveMQClient.DEFAULT_MIN_LARGE_MESSAGE_SIZE,
         connection, true, true, false, false, null, callback, true, context, prefixes, securityDomain, account.id(), false);
      if (server.getSecurityStore().isSecurityEnabled() && server.getSecurityManager() instanceof ActiveMQSecurityManager5) {
         try {
            connection.setSubject(subject(server.getSecurityManager(), account));
         } catch (Exception | Error e) {
            session.close(false);
            throw e;
         }
         // Each of its checks would log in without a password and fail: check() authorizes the subject instead.
         session.disableSecurity();
      }
      return session;
   }

   /**
    * Creates the account session's consumer on its queue with {@code filter} (null for none; an SMPP or CMPP session's
    * from {@link io.smsgw.core.contract.AccountQueueFilters}), if its user may consume from it.
    */
   public static ServerConsumer consume(ActiveMQServer server, ServerSession session, SimpleString queue, SimpleString filter)
      throws Exception {
      if (checkedByGateway(session)) {
         check(server, session, queue, CheckType.CONSUME);
      } // otherwise the broker checks it
      return session.createConsumer(server.getStorageManager().generateID(), queue, filter, false, false, -1);
   }

   /** Whether the session's permissions are checked by {@link #check} rather than by the broker. */
   public static boolean checkedByGateway(ServerSession session) {
      // Only open() sets a subject on the gateway's connections.
      return session.getRemotingConnection() instanceof SmsRemotingConnection c && c.getSubject() != null;
   }

   /**
    * Throws what the broker throws when the session's user may not do {@code type} on {@code address}: with the
    * gateway's subject for an account session of a subject-authorizing manager, with the broker's check otherwise.
    */
   public static void check(ActiveMQServer server, ServerSession session, SimpleString address, CheckType type) throws Exception {
      SecurityStore store = server.getSecurityStore();
      if (!store.isSecurityEnabled()) {
         return;
      }
      if (!checkedByGateway(session)) {
         store.check(address, type, session);
         return;
      }
      String match = address.toString();
      Set<Role> roles = server.getSecurityRepository().getMatch(match);
      ActiveMQSecurityManager5 manager = (ActiveMQSecurityManager5) server.getSecurityManager();
      if (!manager.authorize(session.getRemotingConnection().getSubject(), roles, type, match)) {
         ActiveMQSecurityException refused = ActiveMQMessageBundle.BUNDLE.userNoPermissions(session.getUsername(), type, address);
         throw refused;
      }
   }

   /** The account's id as user and its broker roles, as principals of the classes the manager looks for. */
   static Subject subject(ActiveMQSecurityManager manager, Account account) throws Exception {
      Class<?> userClass = UserPrincipal.class;
      Class<?> roleClass = RolePrincipal.class;
      if (manager instanceof ActiveMQJAASSecurityManager jaas) {
         // login.config may name other principal classes (rolePrincipalClass, userPrincipalClass)
         ClassLoader loader = ActiveMQJAASSecurityManager.class.getClassLoader();
         userClass = Class.forName(jaas.getUserPrincipalClass(), true, loader);
         roleClass = Class.forName(jaas.getRolePrincipalClass(), true, loader);
      }
      Subject subject = new Subject();
      subject.getPrincipals().add((Principal) SecurityManagerUtil.createGroupPrincipal(account.id(), userClass));
      for (String role : account.brokerRoles()) {
         subject.getPrincipals().add((Principal) SecurityManagerUtil.createGroupPrincipal(role, roleClass));
      }
      subject.setReadOnly();
      return subject;
   }
}
