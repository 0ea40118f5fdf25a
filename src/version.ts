/** warrant's version, as package.json says (a test holds the two equal). */
export const WARRANT_VERSION = '0.1.0';
