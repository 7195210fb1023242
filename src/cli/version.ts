/** plumbline's version: --version prints it without loading the command-line parser. */
export const version = '0.1.0';
