fn main() {
    std::process::exit(gridlog::cli::main());
}
