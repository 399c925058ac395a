fn main() {
    std::process::exit(dsbx::main_entry());
}
