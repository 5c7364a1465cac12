import config from '@svclab/eslint-config';

export default config(import.meta.dirname);
