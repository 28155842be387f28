import { describeDebugAccess } from './debug-access-suite';

describeDebugAccess('debug access: ephemeral containers, granted to a group and guarded by admission', 'newest');
