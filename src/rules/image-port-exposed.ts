import type { PodRule, Violation } from './rule';
import { containersWithFacts, IMAGE_FACTS_SETTINGS, hasImageFacts } from './support/image-facts';
import { describeContainer, listOf, quote } from './support/pss';
import { exposedPortsOf } from '../model/image';
import { isFields } from '../model/pod-view';
import { text } from './support/shared-text';

/**
 * A declared containerPort the image does not EXPOSE is usually a typo or a stale manifest: the
 * Service and NetworkPolicy then open a port nothing listens on. Images that expose nothing say
 * nothing about their ports and are not judged.
 */
export const imagePortExposed: PodRule = {
  id: 'image-port-exposed',
  title: 'Declared container ports are ports the image exposes',
  remediation: 'Use the port the image exposes (see the lock file facts), or EXPOSE the port in the image build.',
  level: 'hardened',
  severity: 'low',
  controls: [],
  edition: 1,
  scope: 'pod',
  settings: IMAGE_FACTS_SETTINGS,
  appliesUnder: hasImageFacts,
  check({ pod, config }) {
    const violations: Violation[] = [];
    const entries = containersWithFacts(pod, config, violations);
    if (entries === 'not-applicable') return entries;
    for (let i = 0; i < entries.length; i++) {
      const { container, image, facts } = entries[i];
      const exposed = exposedPortsOf(facts);
      if (exposed.length === 0) continue;
      const ports = listOf(container.container.ports);
      for (let index = 0; index < ports.length; index++) {
        const port = ports[index];
        const number = isFields(port) ? port.containerPort : undefined;
        if (typeof number !== 'number') continue;
        // A port is exposed for one protocol: 53/udp says nothing listens on 53/tcp.
        const declared = isFields(port) && typeof port.protocol === 'string' ? port.protocol.toLowerCase() : 'tcp';
        if (exposed.includes(`${number}/${declared}`)) continue;
        violations.push({
          path: text`${container.path}.ports[${index}].containerPort`,
          message: `${describeContainer(container)} declares port ${number}${declared === 'tcp' ? '' : `/${declared.toUpperCase()}`}, but its image ${quote(image)} exposes ${exposed.join(', ')}`,
        });
      }
    }
    return violations;
  },
};
