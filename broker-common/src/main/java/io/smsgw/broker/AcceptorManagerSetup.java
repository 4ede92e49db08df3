package io.smsgw.broker;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.activemq.artemis.utils.uri.BeanSupport;
import org.slf4j.Logger;

/**
 * How a gateway protocol's factory (SMPP, CMPP) makes the protocol manager of one acceptor from its URL parameters,
 * the same way for both: the passwords taken out of what the broker logs, a WARN for each of the protocol's own
 * parameters that no setter takes (a misspelt one) and for each of the other protocol's parameters on an acceptor
 * that does not serve it, then the parameters checked and set ({@link AcceptorParameters#apply}), a refusal
 * remembered so that the broker does not start without the acceptor ({@link #refusals}). One per factory; the
 * factory's logger is used, so the lines keep naming the protocol module.
 *
 * @param <M> the protocol manager
 */
public final class AcceptorManagerSetup<M> {

   private final Class<M> managerType;
   private final String protocol;
   private final String prefix;
   private final String otherProtocol;
   private final String otherPrefix;
   /** "a" or "an", as the other protocol's name is read out ("an SMPP parameter", "a CMPP parameter"). */
   private final String otherArticle;
   private final Logger logger;
   private final AcceptorParameters.Refusals refusals;

   /**
    * @param protocol      this factory's protocol name ({@code SMPP}); its parameters start with it in lower case
    * @param otherProtocol the other gateway protocol, whose parameters this acceptor does not read unless it serves it
    * @param otherArticle  "a" or "an" before {@code otherProtocol}, for the warning
    */
   public AcceptorManagerSetup(Class<M> managerType, String protocol, String otherProtocol, String otherArticle, Logger logger) {
      this.managerType = managerType;
      this.protocol = protocol;
      this.prefix = protocol.toLowerCase(Locale.ROOT);
      this.otherProtocol = otherProtocol;
      this.otherPrefix = otherProtocol.toLowerCase(Locale.ROOT);
      this.otherArticle = otherArticle;
      this.logger = logger;
      this.refusals = new AcceptorParameters.Refusals(protocol);
   }

   /** The acceptors whose parameters were refused: a protocol service, added first, that fails the broker's start. */
   public AcceptorParameters.Refusals refusals() {
      return refusals;
   }

   /**
    * The manager {@code newManager} makes, with the acceptor's {@code parameters} checked and set.
    *
    * @throws IllegalArgumentException naming a parameter whose value was refused (also remembered in {@link #refusals})
    */
   public M create(Map<String, Object> parameters, Callable<M> newManager) throws Exception {
      BeanSupport.stripPasswords(parameters);
      for (String unknown : Acceptors.unknownParameters(managerType, parameters, prefix)) {
         logger.warn("Acceptor parameter '{}' is not a parameter of the {} acceptor and is ignored (see the README's parameter table)",
                     unknown, protocol);
      }
      for (String unserved : Acceptors.unservedParameters(parameters, otherPrefix, otherProtocol)) {
         logger.warn("Acceptor parameter '{}' is {} {} parameter, and this acceptor does not serve {} (protocols={}): it is ignored",
                     unserved, otherArticle, otherProtocol, otherProtocol, parameters.get("protocols"));
      }
      M manager = newManager.call();
      // Checked before they are set: the broker's own setting turns a value it cannot read (30s, abc) into 0.
      return refusals.record(() -> AcceptorParameters.apply(manager, parameters, prefix, protocol, logger));
   }
}
