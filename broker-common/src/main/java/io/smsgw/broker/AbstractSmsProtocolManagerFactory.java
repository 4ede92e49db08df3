package io.smsgw.broker;

import java.util.List;

import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.spi.core.protocol.AbstractProtocolManagerFactory;

/**
 * What the broker asks of a gateway protocol's factory (SMPP, CMPP) besides making protocol managers: the protocol it
 * serves, its module, and which interceptors are its own. A small base rather than a delegate because these are
 * overrides the broker's factory type requires; each factory keeps making its managers and services itself.
 *
 * @param <I> the protocol's interceptor type
 */
@SuppressWarnings("rawtypes") // as the broker's own factory type declares its interceptors
public abstract class AbstractSmsProtocolManagerFactory<I extends BaseInterceptor> extends AbstractProtocolManagerFactory<I> {

   private final Class<I> interceptorType;
   private final String[] protocols;
   private final String moduleName;

   protected AbstractSmsProtocolManagerFactory(Class<I> interceptorType, String protocol, String moduleName) {
      this.interceptorType = interceptorType;
      this.protocols = new String[] {protocol};
      this.moduleName = moduleName;
   }

   @Override
   public final List<I> filterInterceptors(List<BaseInterceptor> interceptors) {
      return internalFilterInterceptors(interceptorType, interceptors);
   }

   @Override
   public final String[] getProtocols() {
      return protocols;
   }

   @Override
   public final String getModuleName() {
      return moduleName;
   }
}
